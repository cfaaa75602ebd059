using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>The options every command acting as a user shares: who, with which password, where, trusting which CA.</summary>
internal static class UserArgs
{
    public const string User = "--user";
    public const string Password = "--password";
    public const string Device = "--device";
    public const string DefaultDevice = "cli";

    /// <summary>The default device of `chat`: one-shot commands of the same user must not kick it.</summary>
    public const string ChatDevice = "chat";

    /// <summary>Roaming: attach to this cell (or a cell of this region) instead of the home cell.</summary>
    public const string Cell = "--cell";
    public const string Region = "--region";

    public static readonly string[] Options = [User, Password, Device, .. LoginUrl.Options, Cell, Region];

    public static string[] With(params string[] more) => [.. Options, .. more];

    /// <summary>The client options the user arguments name; the rest says how this command uses the connection.</summary>
    public static ImClientOptions ToClientOptions(
        CliArgs args,
        string defaultDevice = DefaultDevice,
        bool skipHistory = false,
        bool autoAck = true,
        bool autoReconnect = true,
        ulong lastSeq = 0) => new()
    {
        LoginUrl = LoginUrl.Resolve(args),
        TrustedCa = CaFile.Resolve(args),
        UserId = args.RequiredUInt64(User),
        Password = args.Required(Password),
        DeviceId = args.Optional(Device) ?? defaultDevice,
        PreferCell = args.Optional(Cell),
        Region = args.Optional(Region),
        SkipHistory = skipHistory,
        AutoAck = autoAck,
        AutoReconnect = autoReconnect,
        LastSeq = lastSeq,
    };
}
