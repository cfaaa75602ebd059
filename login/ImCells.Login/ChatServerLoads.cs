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
/// <remarks>
/// A login server usually starts before the cells (imcells up, a test cluster): a chat server that
/// has never answered is only worth a warning once <see cref="StartGrace"/> has passed since the
/// first probe; before that it is a debug line. One that answered and then stops is warned at once.
/// </remarks>
internal sealed partial class ChatServerLoads(TopologyCache topology, ChannelPool channels, TimeProvider time, ILogger<ChatServerLoads> logger)
    : BackgroundService, IDiscovery
{
    /// <summary>How long a starting cluster may take before a silent chat server is an outage (as long as a server waits for the master's first map).</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> ChatEndpoints(CellInfo cell) => Order(cell).ToList();

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, (bool Up, uint Connections)> _byChat = new(StringComparer.Ordinal);
    /// <summary>The chat servers a warning was logged for, until they answer again.</summary>
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.Ordinal);
    private DateTimeOffset _firstProbe = DateTimeOffset.MaxValue;

    /// <summary>The chat endpoints of <paramref name="cell"/>: answering ones by connections, then silent ones.</summary>
    public IEnumerable<string> Order(CellInfo cell) =>
        ChatServers(cell)
            .Select((s, index) => (s.Chat, Load: _byChat.TryGetValue(s.Chat, out var l) ? l : (Up: true, Connections: 0u), index))
            .OrderBy(s => s.Load.Up ? 0 : 1).ThenBy(s => s.Load.Connections).ThenBy(s => s.index)
            .Select(s => s.Chat);

    /// <summary>
    /// The chat servers of the map that are down as the warnings count it (stopped answering, or never
    /// answered within <see cref="StartGrace"/>), for readiness: a cluster that is still starting is not degraded.
    /// </summary>
    public IReadOnlyList<string> Silent() =>
        [.. topology.Current.Map.Cells.SelectMany(ChatServers).Select(s => s.Chat).Where(_warned.ContainsKey)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _firstProbe = time.GetUtcNow();
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
            if (_warned.TryRemove(chat, out _))
            {
                ChatServerBack(logger, chat);
            }

            _byChat[chat] = (true, status.Connections);
        }
        catch (RpcException e)
        {
            var answeredBefore = _byChat.TryGetValue(chat, out var old) && old.Up;
            _byChat[chat] = (false, 0);
            if (_warned.ContainsKey(chat))
            {
                return;
            }

            if (answeredBefore || time.GetUtcNow() - _firstProbe >= StartGrace)
            {
                _warned[chat] = true;
                ChatServerSilent(logger, chat, e.Status.StatusCode.ToString());
            }
            else
            {
                ChatServerNotUpYet(logger, chat, e.Status.StatusCode.ToString());
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Chat server {Chat} does not answer ({Status}); handed out last")]
    private static partial void ChatServerSilent(ILogger logger, string chat, string status);

    [LoggerMessage(2, LogLevel.Information, "Chat server {Chat} answers again")]
    private static partial void ChatServerBack(ILogger logger, string chat);

    [LoggerMessage(3, LogLevel.Debug, "Chat server {Chat} does not answer yet ({Status}); it may still be starting")]
    private static partial void ChatServerNotUpYet(ILogger logger, string chat, string status);
}
