using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

public sealed class ChatSessionTests
{
    private static readonly Frame GoodAuth = new() { Seq = 1, Auth = new Auth { Token = "good", DeviceId = "d" } };

    /// <summary>Starts a session on a fake clock that moves only when the test advances it.</summary>
    private static (PipePair Pipes, Task Run, FakeBackend Backend) Start(ChatOptions? options = null, FakeTimeProvider? time = null)
    {
        var pipes = new PipePair();
        var backend = new FakeBackend();
        var session = new ChatSession(pipes.Server, backend, options ?? new ChatOptions(), time ?? new FakeTimeProvider(), NullLogger.Instance, "c1", "test");
        backend.Session = session;
        return (pipes, session.RunAsync(CancellationToken.None), backend);
    }

    [Fact]
    public async Task FramesSplitByteByByte_AreParsedWhole()
    {
        var (pipes, run, _) = Start();
        var bytes = PipePair.Encode(GoodAuth, new Frame { Seq = 2, Ping = new Ping { ClientTimeMs = 5 } });

        foreach (var b in bytes)
        {
            await pipes.WriteAsync([b]);
        }

        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        var pong = await pipes.ReadAsync();
        Assert.Equal(2u, pong!.Seq);
        Assert.Equal(5, pong.Pong.ClientTimeMs);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task ManyFramesInOneWrite_AllAnsweredInOrder()
    {
        var (pipes, _, _) = Start();
        var frames = new List<Frame> { GoodAuth };
        frames.AddRange(Enumerable.Range(2, 50).Select(i => new Frame { Seq = (uint)i, Ping = new Ping() }));

        await pipes.WriteAsync(PipePair.Encode([.. frames]));

        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        for (var i = 2; i <= 51; i++)
        {
            Assert.Equal((uint)i, (await pipes.ReadAsync())!.Seq);
        }
    }

    [Fact]
    public async Task OversizedFrame_GetsErrorAndClose()
    {
        var (pipes, run, _) = Start(new ChatOptions { MaxFrameBytes = 1024 });

        await pipes.WriteAsync([0, 0, 0x10, 0]); // announces 4096 bytes; no body needed to refuse it

        var error = await pipes.ReadAsync();
        Assert.Equal(ErrorCode.FrameTooLarge, error!.Error.Code);
        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Garbage_GetsMalformedErrorAndClose()
    {
        var (pipes, run, _) = Start();

        await pipes.WriteAsync([0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

        Assert.Equal(ErrorCode.MalformedFrame, (await pipes.ReadAsync())!.Error.Code);
        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task RequestBeforeAuth_IsRefusedAndClosed()
    {
        var (pipes, _, _) = Start();

        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 3, Ping = new Ping() }));

        var error = await pipes.ReadAsync();
        Assert.Equal(ErrorCode.NotAuthenticated, error!.Error.Code);
        Assert.Equal(3u, error.Seq);
        Assert.Null(await pipes.ReadAsync());
    }

    [Fact]
    public async Task BadToken_IsRefusedAndClosed()
    {
        var (pipes, _, _) = Start();

        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 1, Auth = new Auth { Token = "bad" } }));

        Assert.Equal(ErrorCode.BadToken, (await pipes.ReadAsync())!.Error.Code);
        Assert.Null(await pipes.ReadAsync());
    }

    [Fact]
    public async Task NoAuthInTime_GetsAuthTimeoutAndClose()
    {
        var time = new FakeTimeProvider();
        var (pipes, run, _) = Start(new ChatOptions { AuthTimeoutSeconds = 10 }, time);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(ErrorCode.AuthTimeout, (await pipes.ReadAsync())!.Error.Code);
        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task AuthJustBeforeTimeout_IsAccepted()
    {
        var time = new FakeTimeProvider();
        var (pipes, run, _) = Start(new ChatOptions { AuthTimeoutSeconds = 10 }, time);

        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        await pipes.WriteAsync(PipePair.Encode(GoodAuth));

        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        time.Advance(TimeSpan.FromSeconds(10)); // the auth timeout no longer applies
        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 2, Ping = new Ping() }));
        Assert.Equal(Frame.BodyOneofCase.Pong, (await pipes.ReadAsync())!.BodyCase);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task SilentPastIdleTimeout_IsClosed_WhileFramesKeepItOpen()
    {
        var time = new FakeTimeProvider();
        var options = new ChatOptions { HeartbeatSeconds = 30 };
        var (pipes, run, _) = Start(options, time);
        await pipes.WriteAsync(PipePair.Encode(GoodAuth));
        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);

        // Each frame restarts the idle clock, so two almost-idle periods in a row do not close it.
        for (var seq = 2u; seq <= 3; seq++)
        {
            time.Advance(options.IdleTimeout - TimeSpan.FromMilliseconds(1));
            await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = seq, Ping = new Ping() }));
            Assert.Equal(seq, (await pipes.ReadAsync())!.Seq);
        }

        time.Advance(options.IdleTimeout);

        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Ping_IsAnsweredWithTheServerClock_AndNeverRateLimited()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var (pipes, _, _) = Start(new ChatOptions { MaxRequestsPerSecond = 1 }, time);
        var frames = new List<Frame> { GoodAuth };
        frames.AddRange(Enumerable.Range(2, 10).Select(i => new Frame { Seq = (uint)i, Ping = new Ping { ClientTimeMs = i } }));

        await pipes.WriteAsync(PipePair.Encode([.. frames]));

        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        for (var i = 2; i <= 11; i++)
        {
            var pong = (await pipes.ReadAsync())!.Pong;
            Assert.Equal(i, pong.ClientTimeMs);
            Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), pong.ServerTimeMs);
        }
    }

    [Fact]
    public async Task NotifyPushedDuringAttach_ArrivesAfterAuthOk()
    {
        var (pipes, _, backend) = Start();
        backend.OnAttach = s => s.TryPush(new Frame { NewMessage = new NewMessage { Message = new ChatMessage { Seq = 8 } } });

        await pipes.WriteAsync(PipePair.Encode(GoodAuth));

        var authOk = await pipes.ReadAsync();
        Assert.Equal(7UL, authOk!.AuthOk.HeadSeq);
        Assert.Equal(8UL, (await pipes.ReadAsync())!.NewMessage.Message.Seq);
    }

    [Fact]
    public async Task RefusedRequest_GetsErrorWithItsSeq_AndConnectionStays()
    {
        var (pipes, _, _) = Start();
        await pipes.WriteAsync(PipePair.Encode(GoodAuth, new Frame { Seq = 9, Send = new SendRequest { To = 1, Text = "x" } },
            new Frame { Seq = 10, Ping = new Ping() }));

        await pipes.ReadAsync();
        var error = await pipes.ReadAsync();
        Assert.Equal(9u, error!.Seq);
        Assert.Equal(ErrorCode.UnknownRecipient, error.Error.Code);
        Assert.Equal(10u, (await pipes.ReadAsync())!.Seq);
    }

    [Fact]
    public async Task RequestFlood_GetsRateLimited_AndConnectionStays()
    {
        var time = new FakeTimeProvider();
        var (pipes, run, _) = Start(new ChatOptions { MaxRequestsPerSecond = 8 }, time);
        var frames = new List<Frame> { GoodAuth };
        frames.AddRange(Enumerable.Range(2, 100).Select(i => new Frame { Seq = (uint)i, Sync = new SyncRequest() }));

        await pipes.WriteAsync(PipePair.Encode([.. frames]));

        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        var answers = new List<Frame>();
        for (var i = 0; i < 100; i++)
        {
            answers.Add((await pipes.ReadAsync())!);
        }

        // The clock stands still: the burst of 16 is served, the rest refused, each with its own seq.
        Assert.All(answers.Take(16), a => Assert.Equal(Frame.BodyOneofCase.SyncResult, a.BodyCase));
        Assert.All(answers.Skip(16), a => Assert.Equal(ErrorCode.RateLimited, a.Error.Code));
        Assert.Equal(Enumerable.Range(2, 100).Select(i => (uint)i), answers.Select(a => a.Seq));

        // An eighth of a second later there is room for exactly one more.
        time.Advance(TimeSpan.FromMilliseconds(125));
        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 200, Sync = new SyncRequest() }, new Frame { Seq = 201, Sync = new SyncRequest() }));
        Assert.Equal(Frame.BodyOneofCase.SyncResult, (await pipes.ReadAsync())!.BodyCase);
        Assert.Equal(ErrorCode.RateLimited, (await pipes.ReadAsync())!.Error.Code);
        Assert.False(run.IsCompleted);
    }

    private sealed class FakeBackend : IChatBackend
    {
        public ChatSession? Session { get; set; }

        public Action<ChatSession>? OnAttach { get; set; }

        public string CellId => "t";

        public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
            auth.Token == "good"
                ? Task.FromResult(new ChatIdentity(42UL, "d", "t"))
                : throw new ChatRequestException(ErrorCode.BadToken, "token is not valid");

        public Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
        {
            OnAttach?.Invoke(session);
            return Task.FromResult(7UL);
        }

        public void Detach(ChatSession session)
        {
        }

        public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
            request.BodyCase == Frame.BodyOneofCase.Send
                ? throw new ChatRequestException(ErrorCode.UnknownRecipient, "no such user")
                : Task.FromResult(new Frame { SyncResult = new SyncResult() });
    }
}
