using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Protos.Client;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Delivery;

/// <summary>
/// At a home cell: carries notifies for roaming users to the cells serving them. One queue and
/// one sender per serving cell keep a user's notifies in order; a batch is one PushToVisitors
/// call. Best effort like every notify: what is lost is recovered by the client's Sync.
/// </summary>
internal sealed partial class VisitorPushForwarder(
    CellIdentity self,
    TopologyCache topology,
    ChannelPool channels,
    VisitorLocations locations,
    ILogger<VisitorPushForwarder> logger) : IDisposable
{
    private const int MaxBatch = 512;
    private readonly ConcurrentDictionary<string, Channel<CellProto.VisitorPush>> _queues = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Whether the user has a device attached in another cell.</summary>
    public bool Roams(ulong user) => locations.HasAny && locations.ServingCellsOf(user).Length > 0;

    /// <summary>Queues <paramref name="frame"/> for the user's roaming devices, if it has any. Never blocks.</summary>
    public void Forward(ulong user, Frame frame, string exceptDevice)
    {
        if (!locations.HasAny)
        {
            return;
        }

        foreach (var cell in locations.ServingCellsOf(user))
        {
            Queue(cell).Writer.TryWrite(new CellProto.VisitorPush { UserId = user, ExceptDevice = exceptDevice, Frame = frame });
        }
    }

    /// <summary>Queues <paramref name="push"/> for one serving place, whatever the locations say now (a logout has just cancelled them).</summary>
    public void ForwardTo(string servingCell, CellProto.VisitorPush push) => Queue(servingCell).Writer.TryWrite(push);

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var queue in _queues.Values)
        {
            queue.Writer.TryComplete();
        }
    }

    private Channel<CellProto.VisitorPush> Queue(string cell) => _queues.GetOrAdd(cell, c =>
    {
        var queue = Channel.CreateBounded<CellProto.VisitorPush>(new BoundedChannelOptions(65_536)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        _ = SendLoopAsync(c, queue.Reader);
        return queue;
    });

    private async Task SendLoopAsync(string cellId, ChannelReader<CellProto.VisitorPush> reader)
    {
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                var request = new CellProto.PushToVisitorsRequest { FromCell = self.Id };
                while (request.Pushes.Count < MaxBatch && reader.TryRead(out var push))
                {
                    request.Pushes.Add(push);
                }

                // A serving place is another cell ("b") or one of this cell's chat servers ("a#1").
                var grpc = topology.Current.GrpcOf(cellId);
                if (grpc is null)
                {
                    continue;
                }

                try
                {
                    await channels.Client<CellProto.ServingPlace.ServingPlaceClient>(grpc).PushToVisitorsAsync(request, deadline: Deadlines.Short, cancellationToken: _stopping.Token);
                }
                catch (RpcException e)
                {
                    PushLost(logger, request.Pushes.Count, cellId, e.Status.Detail);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "{Count} notifies for visitors at cell {Cell} lost: {Detail}")]
    private static partial void PushLost(ILogger logger, int count, string cell, string detail);
}
