using ImCells.ClusterHost;
using ImCells.Protos.Topology;

namespace ImCells.Cli.Up;

/// <summary>
/// The processes of a topology as `up` starts them: which server, with which arguments (the
/// profile's, the admin URL kept for its name), in the repository root as working folder.
/// </summary>
internal sealed class ClusterProcesses(ServerCommands servers, string topologyPath, string masterUrl, string tokenKey, string root, AdminPorts admin, UpProfile profile)
{
    public ClusterProcess Master() =>
        Make(servers.Master(topologyPath, admin.For("master")), "master", null, [new("grpc", masterUrl)]);

    public ClusterProcess Login(int index, int count, string http)
    {
        var name = ServerCommands.LoginName(index + 1, count);
        var spec = servers.Login(name, index, masterUrl, http, tokenKey, admin.For(name));
        return Make(spec with { Arguments = [.. spec.Arguments, .. profile.LoginArguments] }, "login", null, [new("login", http)]);
    }

    public ClusterProcess Cell(CellInfo cell)
    {
        var name = ServerCommands.CellName(cell.Id);
        return Make(WithProfile(servers.Cell(cell.Id, masterUrl, tokenKey, admin.For(name))), "cell", cell.Id,
            [new("grpc", cell.Grpc), .. cell.Chat.Select(c => new KeyValuePair<string, string>("chat", c))]);
    }

    /// <summary>The <paramref name="n"/>-th extra chat server of <paramref name="cell"/> (from 1).</summary>
    public ClusterProcess ChatServer(CellInfo cell, int n)
    {
        var name = ServerCommands.ChatServerName(cell.Id, n);
        var server = cell.ChatServers[n - 1];
        return Make(WithProfile(servers.ChatServer(cell.Id, n, masterUrl, tokenKey, admin.For(name))), "chat", cell.Id,
            [new("grpc", server.Grpc), new("chat", server.Chat)]);
    }

    private ProcessSpec WithProfile(ProcessSpec spec) =>
        profile.CellArguments.Count == 0 ? spec : spec with { Arguments = [.. spec.Arguments, .. profile.CellArguments] };

    private ClusterProcess Make(ProcessSpec spec, string role, string? cell, KeyValuePair<string, string>[] endpoints) =>
        new(spec with { WorkingDirectory = root }, role, cell, endpoints, admin.For(spec.Name));
}
