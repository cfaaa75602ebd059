using ImCells.Cli.Commands;

namespace ImCells.Cli.CommandLine;

/// <summary>The options many commands share, described once.</summary>
internal static class CommonOptions
{
    /// <summary>The other user a command is about, whatever the command (old names stay as hidden aliases).</summary>
    public const string Peer = "--peer";

    /// <summary>
    /// Who acts, with which password, from which device, through which login server, attached where;
    /// <paramref name="device"/> describes --device where it means something else (logout: the device to end).
    /// </summary>
    public static CommandBuilder User(CommandBuilder command, string? device = null) => Login(command
        .Value(UserArgs.User, "N", "your user number", required: true)
        .Value(UserArgs.Password, "PW", "your password", required: true)
        .Value(UserArgs.Device, "ID", device ?? $"the device this command speaks for (default \"{UserArgs.DefaultDevice}\")"))
        .Value(UserArgs.Cell, "ID", "roaming: attach to this cell instead of your home cell")
        .Value(UserArgs.Region, "R", "roaming: attach to a cell of this region");

    /// <summary>Where login is and which CA its certificate must chain to.</summary>
    public static CommandBuilder Login(CommandBuilder command) => command
        .Value(LoginUrl.Option, "URL", "login server(s), comma-separated (default: those of ./topology.json or $IMCELLS_ROOT/topology.json)")
        .Value(CaFile.Option, "FILE", "the cluster CA that TLS servers must chain to (default: data/pki/ca.crt under the repository root)");
}
