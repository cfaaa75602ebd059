using Grpc.Net.Client;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Trust;

namespace ImCells.Cluster.Tests;

/// <summary>
/// The direct calls of the security tests: a cell's internal services called with the certificate
/// of some member of the cluster (<see cref="As"/>), as a compromised or mistaken process would.
/// </summary>
internal sealed partial class ClusterApi
{
    /// <summary>A channel to <paramref name="url"/> presenting <paramref name="identity"/>'s certificate from the cluster CA.</summary>
    public GrpcChannel As(ClusterIdentity identity, string url) => Channel(url, Credentials(identity).Certificate, AnyServer);

    public static async Task<DeliverReply> DeliverAsync(GrpcChannel channel, string fromCell, ulong from, ulong to, string text, CancellationToken ct)
    {
        var request = new DeliverRequest { FromCell = fromCell };
        request.Messages.Add(new RoutedMessage
        {
            MessageId = Guid.NewGuid().ToString("N"),
            From = from,
            To = to,
            Text = text,
            SentAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            FromCell = fromCell,
        });
        return await new MessagePeering.MessagePeeringClient(channel).DeliverAsync(request, deadline: Deadline(), cancellationToken: ct);
    }

    public static async Task<AuthenticateReply> AuthenticateAsync(GrpcChannel channel, ulong user, string password, CancellationToken ct) =>
        await new CellAccounts.CellAccountsClient(channel).AuthenticateAsync(
            new AuthenticateRequest { UserId = user, Password = password }, deadline: Deadline(), cancellationToken: ct);

    public static async Task<VisitorAttachReply> VisitorAttachAsync(GrpcChannel channel, ulong user, string device, string servingCell, string token, CancellationToken ct) =>
        await new HomeLocation.HomeLocationClient(channel).VisitorAttachAsync(new VisitorAttachRequest
        {
            UserId = user,
            DeviceId = device,
            ServingCell = servingCell,
            ChatEndpoint = "127.0.0.1:1",
            Token = token,
        }, deadline: Deadline(), cancellationToken: ct);

    /// <summary>A Sync of the device's mailbox from the start, executed by the home cell for a serving place.</summary>
    public static async Task<VisitorCallReply> VisitorSyncAsync(GrpcChannel channel, ulong user, string device, string servingCell, string token, CancellationToken ct) =>
        await new HomeLocation.HomeLocationClient(channel).VisitorCallAsync(new VisitorCallRequest
        {
            UserId = user,
            DeviceId = device,
            ServingCell = servingCell,
            Request = new Frame { Seq = 1, Sync = new SyncRequest { FromSeq = 0 } },
            Token = token,
        }, deadline: Deadline(), cancellationToken: ct);

    public static async Task VisitorDetachAsync(GrpcChannel channel, ulong user, string device, string servingCell, string token, CancellationToken ct) =>
        await new HomeLocation.HomeLocationClient(channel).VisitorDetachAsync(
            new VisitorDetachRequest { UserId = user, DeviceId = device, ServingCell = servingCell, Token = token }, deadline: Deadline(), cancellationToken: ct);

    /// <summary>Pushes a made-up NewMessage (seq <paramref name="seq"/>, in no mailbox) at <paramref name="user"/>'s sessions.</summary>
    public static async Task PushFakeMessageAsync(GrpcChannel channel, string fromCell, ulong user, ulong seq, string text, CancellationToken ct)
    {
        var request = new PushToVisitorsRequest { FromCell = fromCell };
        request.Pushes.Add(new VisitorPush
        {
            UserId = user,
            Frame = new Frame { NewMessage = new NewMessage { Message = new ChatMessage { Id = "fake", From = user, To = user, Seq = seq, Text = text } } },
        });
        await new ServingPlace.ServingPlaceClient(channel).PushToVisitorsAsync(request, deadline: Deadline(), cancellationToken: ct);
    }

    public static async Task<StatusReply> CollectGarbageAsync(GrpcChannel channel, CancellationToken ct) =>
        await new CellAdmin.CellAdminClient(channel).StatusAsync(new StatusRequest { CollectGarbage = true }, deadline: Deadline(), cancellationToken: ct);

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallDeadline);
}
