using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Protos;
using ImCells.Protos.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

/// <summary>
/// The outbound byte budget (Chat:MaxPendingBytes): what waits for a client is counted in bytes from
/// queueing until the transport has taken it. A client that stops reading is closed once it would
/// pass the budget, whatever it asked for; a client that reads gets everything, and nothing stays
/// counted. The in-memory pipe pauses the writer at 64 KiB, as Kestrel's socket transport does.
/// </summary>
public sealed class ChatSessionBudgetTests
{
    private const int Budget = ChatOptions.MinPendingBytes;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly Frame GoodAuth = new() { Seq = 1, Auth = new Auth { Token = "good", DeviceId = "d" } };

    [Fact]
    public async Task NotifiesNeverRead_AreRefusedPastTheBudget_AndTheConnectionCloses()
    {
        var (_, run, session, backend) = await StartAuthenticatedAsync();
        var notify = Notify(100 * 1024);
        var bytes = FrameCodec.HeaderSize + notify.CalculateSize();
        var fits = Budget / bytes;

        for (var i = 1; i <= fits; i++)
        {
            Assert.True(session.TryPush(notify), $"push {i} of {fits} was refused below the budget");
        }

        Assert.Equal(fits * (long)bytes, session.PendingBytes);
        Assert.False(session.TryPush(notify));
        Assert.False(session.TryPush(new Frame { NewMessage = new NewMessage { Message = new ChatMessage { Seq = 2 } } }));
        // The socket is dropped rather than kept to send the rest to a client that reads nothing.
        await run.WaitAsync(Bound);
        Assert.Equal(1, backend.TransportAborts);
    }

    [Fact]
    public async Task ResponsesNeverRead_CloseTheConnection_AfterAFewOfThem()
    {
        var (pipes, run, _, backend) = await StartAuthenticatedAsync();
        backend.Answer = _ => new Frame { SyncResult = new SyncResult { Messages = { Message(900 * 1024) } } };
        var syncs = Enumerable.Range(2, 100).Select(i => new Frame { Seq = (uint)i, Sync = new SyncRequest() }).ToArray();

        await pipes.WriteAsync(PipePair.Encode(syncs));
        await run.WaitAsync(Bound);

        // 2 MiB holds two answers of 900 KiB: the third is refused and the connection dropped.
        Assert.Equal(3, backend.Answered);
        Assert.Equal(1, backend.TransportAborts);
    }

    [Fact]
    public async Task ReadingClient_GetsEveryFrame_AndNothingStaysCounted()
    {
        var (pipes, run, session, backend) = await StartAuthenticatedAsync();
        var notify = Notify(100 * 1024);
        var bytes = FrameCodec.HeaderSize + notify.CalculateSize();
        const int Count = 200; // ten times the budget
        var reader = Task.Run(async () =>
        {
            var received = 0;
            while (received < Count && await pipes.ReadAsync() is { BodyCase: Frame.BodyOneofCase.NewMessage })
            {
                received++;
            }

            return received;
        });

        for (var i = 0; i < Count; i++)
        {
            // A polite pusher: waits for room rather than pass the budget.
            Assert.True(await Wait.UntilAsync(() => session.PendingBytes + bytes <= Budget, Bound), $"no room for push {i + 1}: {session.PendingBytes} bytes pending");
            Assert.True(session.TryPush(notify));
        }

        Assert.Equal(Count, await reader.WaitAsync(Bound));
        Assert.True(await Wait.UntilAsync(() => session.PendingBytes == 0, Bound), $"{session.PendingBytes} bytes still counted after everything was read");
        Assert.False(run.IsCompleted);
        Assert.Equal(0, backend.TransportAborts);
    }

    [Fact]
    public async Task ResponseOverTheLargestServerFrame_IsAnsweredWithAnInternalError_AndTheConnectionStays()
    {
        var (pipes, run, _, backend) = await StartAuthenticatedAsync();
        backend.Answer = _ => new Frame { SyncResult = new SyncResult { Messages = { Message(FrameCodec.MaxServerFrameBytes) } } };

        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 5, Sync = new SyncRequest() }, new Frame { Seq = 6, Ping = new Ping() }));

        var error = await pipes.ReadAsync();
        Assert.Equal((5u, ErrorCode.Internal), (error!.Seq, error.Error.Code));
        Assert.Equal(Frame.BodyOneofCase.Pong, (await pipes.ReadAsync())!.BodyCase);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task NotifyOverTheLargestServerFrame_IsNotSent_AndTheConnectionStays()
    {
        var (pipes, run, session, _) = await StartAuthenticatedAsync();

        Assert.False(session.TryPush(Notify(FrameCodec.MaxServerFrameBytes)));
        Assert.Equal(0, session.PendingBytes);

        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 2, Ping = new Ping() }));
        Assert.Equal(Frame.BodyOneofCase.Pong, (await pipes.ReadAsync())!.BodyCase);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task ClientThatReadsTheLastError_IsClosedGracefully()
    {
        var (pipes, run, _, backend) = await StartAuthenticatedAsync();

        await pipes.WriteAsync([0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

        Assert.Equal(ErrorCode.MalformedFrame, (await pipes.ReadAsync())!.Error.Code);
        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(Bound);
        Assert.Equal(0, backend.TransportAborts);
    }

    private static Frame Notify(int textBytes) => new() { NewMessage = new NewMessage { Message = Message(textBytes) } };

    private static ChatMessage Message(int textBytes) => new() { Id = "m", Seq = 1, Text = new string('x', textBytes) };

    private static async Task<(PipePair Pipes, Task Run, ChatSession Session, AnsweringBackend Backend)> StartAuthenticatedAsync()
    {
        var pipes = new PipePair();
        var backend = new AnsweringBackend();
        var options = new ChatOptions { MaxPendingBytes = Budget, MaxRequestsPerSecond = 0 };
        var session = new ChatSession(pipes.Server, backend, options, new FakeTimeProvider(), NullLogger.Instance, "c1", "test",
            abortTransport: () =>
            {
                backend.AbortedTransport();
                pipes.DropClient();
            });
        var run = session.RunAsync(CancellationToken.None);
        await pipes.WriteAsync(PipePair.Encode(GoodAuth));
        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        // The AuthOk was flushed and taken: nothing is counted any more.
        Assert.True(await Wait.UntilAsync(() => session.PendingBytes == 0, Bound));
        return (pipes, run, session, backend);
    }

    /// <summary>Answers every request with <see cref="Answer"/>, counting them.</summary>
    private sealed class AnsweringBackend : IChatBackend
    {
        private int _answered;
        private int _aborts;

        public Func<Frame, Frame> Answer { get; set; } = _ => new Frame { SyncResult = new SyncResult() };

        public int Answered => Volatile.Read(ref _answered);

        /// <summary>How often the session dropped the socket (the connection handler's abort).</summary>
        public int TransportAborts => Volatile.Read(ref _aborts);

        public void AbortedTransport() => Interlocked.Increment(ref _aborts);

        public string CellId => "t";

        public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
            Task.FromResult(new ChatIdentity(42UL, "d", "t"));

        public Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken) => Task.FromResult(0UL);

        public void Detach(ChatSession session)
        {
        }

        public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _answered);
            return Task.FromResult(Answer(request));
        }
    }

    private static class Wait
    {
        public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    return condition();
                }

                await Task.Delay(5);
            }

            return true;
        }
    }
}
