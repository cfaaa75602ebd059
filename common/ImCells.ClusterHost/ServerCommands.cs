using System.Globalization;

namespace ImCells.ClusterHost;

/// <summary>
/// How the ImCells servers are started, in one place for <c>imcells up</c> and the cluster tests:
/// the built master, login and cell assemblies and the switches each takes. Every server gets
/// <c>--parent-pid</c> so it stops by itself if whoever started it dies without stopping it.
/// </summary>
public sealed record ServerCommands(string MasterDll, string LoginDll, string CellDll)
{
    /// <summary>The servers built in <paramref name="configuration"/> under <paramref name="root"/> (check <see cref="Missing"/>).</summary>
    public static ServerCommands Locate(string root, string configuration) => new(
        BuildOutput.Dll(root, "master/ImCells.Master", configuration),
        BuildOutput.Dll(root, "login/ImCells.Login", configuration),
        BuildOutput.Dll(root, "cell/ImCells.Cell", configuration));

    /// <summary>The servers built in <paramref name="configuration"/>; <paramref name="notBuilt"/> makes the error naming what is missing.</summary>
    public static ServerCommands LocateBuilt(string root, string configuration, Func<string, Exception> notBuilt)
    {
        var servers = Locate(root, configuration);
        var missing = servers.Missing();
        return missing.Count == 0 ? servers : throw notBuilt(string.Join(", ", missing));
    }

    /// <summary>The assemblies that are not built.</summary>
    public IReadOnlyList<string> Missing() => [.. new[] { MasterDll, LoginDll, CellDll }.Where(p => !File.Exists(p))];

    public static string LoginName(int n, int count) => count == 1 ? "login" : $"login {n}";

    public static string CellName(string cellId) => $"cell {cellId}";

    public static string ChatServerName(string cellId, int n) => $"chat {cellId}#{n}";

    public ProcessSpec Master(string topologyPath, string? admin = null) =>
        ProcessSpec.Dotnet("master", MasterDll, ["--topology", topologyPath, .. ParentPid(), .. Admin(admin)]);

    /// <summary>The login server at <paramref name="index"/> (from 0) of the topology's login list: its certificate names that index.</summary>
    public ProcessSpec Login(string name, int index, string masterUrl, string listenUrl, string tokenKey, string? admin = null) =>
        ProcessSpec.Dotnet(name, LoginDll,
            ["--master", masterUrl, "--listen", listenUrl, "--login-index", index.ToString(CultureInfo.InvariantCulture), "--token-key", tokenKey, .. ParentPid(), .. Admin(admin)]);

    public ProcessSpec Cell(string cellId, string masterUrl, string tokenKey, string? admin = null) =>
        ProcessSpec.Dotnet(CellName(cellId), CellDll, ["--master", masterUrl, "--cell", cellId, "--token-key", tokenKey, .. ParentPid(), .. Admin(admin)]);

    /// <summary>The <paramref name="n"/>-th extra chat server of a cell (topology <c>chatServers</c>, from 1).</summary>
    public ProcessSpec ChatServer(string cellId, int n, string masterUrl, string tokenKey, string? admin = null) =>
        ProcessSpec.Dotnet(ChatServerName(cellId, n), CellDll,
            ["--master", masterUrl, "--cell", cellId, "--chat-server", n.ToString(CultureInfo.InvariantCulture), "--token-key", tokenKey, .. ParentPid(), .. Admin(admin)]);

    /// <summary>The admin HTTP endpoint (health, info, metrics) when one is given; none otherwise.</summary>
    private static string[] Admin(string? admin) => admin is null ? [] : ["--admin", admin];

    private static string[] ParentPid() => ["--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)];
}
