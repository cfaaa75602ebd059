using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

/// <summary>
/// Sessions of one listener on one <see cref="ConnectionTimeouts"/>, as the connection handler runs
/// them: each keeps its own deadlines, leaves the list when it closes, and the listener's stop closes all.
/// </summary>
public sealed class ChatSessionSharedTimeoutsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SilentSession_TimesOut_WhileTheOneThatPingsStays_AndClosedSessionsLeaveTheList()
    {
        var time = new FakeTimeProvider();
        var options = new ChatOptions { HeartbeatSeconds = 10 };
        using var timeouts = new ConnectionTimeouts(time, options.AuthTimeout, options.IdleTimeout);
        var (silent, silentRun) = Start(options, time, timeouts);
        var (talker, talkerRun) = Start(options, time, timeouts);
        var (neverAuthenticated, neverRun) = Start(options, time, timeouts);
        await AuthenticateAsync(silent);
        await AuthenticateAsync(talker);

        for (var seq = 2u; seq <= 4; seq++)
        {
            time.Advance(options.IdleTimeout / 2);
            await talker.WriteAsync(PipePair.Encode(new Frame { Seq = seq, Ping = new Ping() }));
            Assert.Equal(seq, (await talker.ReadAsync())!.Seq);
        }

        Assert.Equal(ErrorCode.AuthTimeout, (await neverAuthenticated.ReadAsync())!.Error.Code);
        Assert.Null(await silent.ReadAsync());
        await Task.WhenAll(silentRun, neverRun).WaitAsync(Bound);
        Assert.False(talkerRun.IsCompleted);
        Assert.Equal(1, timeouts.Count);

        timeouts.Stop();
        Assert.Null(await talker.ReadAsync());
        await talkerRun.WaitAsync(Bound);
        Assert.Equal(0, timeouts.Count);
    }

    private static (PipePair Pipes, Task Run) Start(ChatOptions options, TimeProvider time, ConnectionTimeouts timeouts)
    {
        var pipes = new PipePair();
        var session = new ChatSession(pipes.Server, new AcceptingBackend(), options, time, NullLogger.Instance, "c", "test", timeouts: timeouts);
        return (pipes, session.RunAsync(CancellationToken.None));
    }

    private static async Task AuthenticateAsync(PipePair pipes)
    {
        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 1, Auth = new Auth { Token = "t", DeviceId = "d" } }));
        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
    }

    private sealed class AcceptingBackend : IChatBackend
    {
        public string CellId => "t";

        public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
            Task.FromResult(new ChatIdentity(42UL, "d", "t"));

        public Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken) => Task.FromResult(0UL);

        public void Detach(ChatSession session)
        {
        }

        public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
            Task.FromResult(new Frame { SyncResult = new SyncResult() });
    }
}
