using System.Collections.Concurrent;
using Grpc.Core;
using ImCells.Server.Discovery;
using ImCells.Server.Grpc;
using ImCells.Topology;
using ImCells.Protos.Topology;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Login;

/// <summary>
/// The load of every chat server (connections), asked every few seconds, so a login hands out the
/// least-loaded chat server of the cell first and a chat server that stopped answering last.
/// The static discovery: what topology.json lists, with load asked of each server.
/// </summary>
internal sealed partial class ChatServerLoads(TopologyCache topology, ChannelPool channels, ILogger<ChatServerLoads> logger) : BackgroundService, IDiscovery
{
    public IReadOnlyList<string> ChatEndpoints(CellInfo cell) => Order(cell).ToList();

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, (bool Up, uint Connections)> _byChat = new(StringComparer.Ordinal);

    /// <summary>The chat endpoints of <paramref name="cell"/>: answering ones by connections, then silent ones.</summary>
    public IEnumerable<string> Order(CellInfo cell) =>
        ChatServers(cell)
            .Select((s, index) => (s.Chat, Load: _byChat.TryGetValue(s.Chat, out var l) ? l : (Up: true, Connections: 0u), index))
            .OrderBy(s => s.Load.Up ? 0 : 1).ThenBy(s => s.Load.Connections).ThenBy(s => s.index)
            .Select(s => s.Chat);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var servers = topology.Current.Map.Cells.SelectMany(ChatServers).ToList();
                await Task.WhenAll(servers.Select(s => ProbeAsync(s.Chat, s.Grpc, stoppingToken)));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The cell process serves its chat[] endpoints; each extra chat server its own.</summary>
    private static IEnumerable<(string Chat, string Grpc)> ChatServers(CellInfo cell) =>
        cell.Chat.Select(c => (c, cell.Grpc)).Concat(cell.ChatServers.Select(s => (s.Chat, s.Grpc)));

    private async Task ProbeAsync(string chat, string grpc, CancellationToken cancellationToken)
    {
        try
        {
            var status = await channels.Client<CellProto.CellAdmin.CellAdminClient>(grpc).StatusAsync(new CellProto.StatusRequest(),
                deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            if (_byChat.TryGetValue(chat, out var old) && !old.Up)
            {
                ChatServerBack(logger, chat);
            }

            _byChat[chat] = (true, status.Connections);
        }
        catch (RpcException e)
        {
            if (!_byChat.TryGetValue(chat, out var old) || old.Up)
            {
                ChatServerSilent(logger, chat, e.Status.StatusCode.ToString());
            }

            _byChat[chat] = (false, 0);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Chat server {Chat} does not answer ({Status}); handed out last")]
    private static partial void ChatServerSilent(ILogger logger, string chat, string status);

    [LoggerMessage(2, LogLevel.Information, "Chat server {Chat} answers again")]
    private static partial void ChatServerBack(ILogger logger, string chat);
}
