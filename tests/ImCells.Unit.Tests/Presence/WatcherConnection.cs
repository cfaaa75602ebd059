using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Protos.Client;
using ImCells.Unit.Tests.Chat;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Presence;

/// <summary>An in-memory connection of one user, registered in a <see cref="SessionRegistry"/> so notifies reach it.</summary>
internal sealed class WatcherConnection
{
    private readonly PipePair _pipes = new();

    private WatcherConnection()
    {
    }

    public static async Task<WatcherConnection> OpenAsync(SessionRegistry registry, ulong user, TimeProvider time)
    {
        var connection = new WatcherConnection();
        // A heartbeat longer than any time a test advances: the watcher must outlive the presence TTL it watches expire.
        var options = new ChatOptions { HeartbeatSeconds = 3600 };
        var session = new ChatSession(connection._pipes.Server, new Backend(registry, user), options, time, NullLogger.Instance, $"w{user}", "test");
        _ = session.RunAsync(CancellationToken.None);
        await connection._pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 1, Auth = new Auth { Token = "t", DeviceId = "d" } }));
        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await connection._pipes.ReadAsync())!.BodyCase);
        return connection;
    }

    /// <summary>The next presence notify this user gets.</summary>
    public async Task<PresenceChanged> NextPresenceAsync()
    {
        var frame = await _pipes.ReadAsync();
        Assert.Equal(Frame.BodyOneofCase.Presence, frame!.BodyCase);
        return frame.Presence;
    }

    private sealed class Backend(SessionRegistry registry, ulong user) : IChatBackend
    {
        public string CellId => "a";

        public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
            Task.FromResult(new ChatIdentity(user, auth.DeviceId, CellId));

        public Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
        {
            registry.Add(session);
            return Task.FromResult(0UL);
        }

        public void Detach(ChatSession session) => registry.Remove(session);

        public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
            throw ChatRequestException.BadRequest("not in this test");
    }
}
