using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Chat;

public sealed class ChatSessionTests
{
    private static readonly Frame GoodAuth = new() { Seq = 1, Auth = new Auth { Token = "good", DeviceId = "d" } };

    private static (PipePair Pipes, Task Run, FakeBackend Backend) Start(ChatOptions? options = null)
    {
        var pipes = new PipePair();
        var backend = new FakeBackend();
        var session = new ChatSession(pipes.Server, backend, options ?? new ChatOptions(), NullLogger.Instance, "c1", "test");
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
        var (pipes, _, _) = Start(new ChatOptions { AuthTimeoutSeconds = 1 });

        Assert.Equal(ErrorCode.AuthTimeout, (await pipes.ReadAsync())!.Error.Code);
        Assert.Null(await pipes.ReadAsync());
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
        var (pipes, run, _) = Start(new ChatOptions { MaxRequestsPerSecond = 10 });
        var frames = new List<Frame> { GoodAuth };
        frames.AddRange(Enumerable.Range(2, 100).Select(i => new Frame { Seq = (uint)i, Sync = new SyncRequest() }));

        await pipes.WriteAsync(PipePair.Encode([.. frames]));

        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        var answers = new List<Frame>();
        for (var i = 0; i < 100; i++)
        {
            answers.Add((await pipes.ReadAsync())!);
        }

        // The bucket holds a burst of 20; a flood of 100 at once is mostly refused, each with its own seq.
        Assert.InRange(answers.Count(a => a.BodyCase == Frame.BodyOneofCase.SyncResult), 20, 30);
        Assert.All(answers.Where(a => a.BodyCase == Frame.BodyOneofCase.Error), a => Assert.Equal(ErrorCode.RateLimited, a.Error.Code));
        Assert.Equal(Enumerable.Range(2, 100).Select(i => (uint)i), answers.Select(a => a.Seq));
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
