using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

/// <summary>A kicked session (a logout) says why and closes, after answering the request in hand.</summary>
public sealed class ChatSessionKickTests
{
    private static readonly Frame GoodAuth = new() { Seq = 1, Auth = new Auth { Token = "good", DeviceId = "d" } };

    [Fact]
    public async Task IdleSession_GetsKickedThenClose()
    {
        var (pipes, run, backend) = Start();
        await pipes.WriteAsync(PipePair.Encode(GoodAuth));
        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);

        backend.Session!.Kick("logged out");

        Assert.Equal("logged out", (await pipes.ReadAsync())!.Kicked.Reason);
        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(backend.Detached);
    }

    [Fact]
    public async Task SessionKickedByItsOwnRequest_StillGetsTheAnswer_AndNothingAfterIt()
    {
        var (pipes, run, _) = Start();
        await pipes.WriteAsync(PipePair.Encode(GoodAuth));
        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);

        // The logout and a request pipelined behind it, in one write.
        await pipes.WriteAsync(PipePair.Encode(new Frame { Seq = 2, Logout = new LogoutRequest() }, new Frame { Seq = 3, Ping = new Ping() }));

        Assert.Equal(Frame.BodyOneofCase.Kicked, (await pipes.ReadAsync())!.BodyCase);
        var answer = await pipes.ReadAsync();
        Assert.Equal((2u, Frame.BodyOneofCase.LogoutOk), (answer!.Seq, answer.BodyCase));
        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task KickDuringAttach_ClosesRightAfterAuthOk()
    {
        var (pipes, run, backend) = Start();
        backend.OnAttach = s => s.Kick("logged out");

        await pipes.WriteAsync(PipePair.Encode(GoodAuth));

        Assert.Equal(Frame.BodyOneofCase.AuthOk, (await pipes.ReadAsync())!.BodyCase);
        Assert.Equal(Frame.BodyOneofCase.Kicked, (await pipes.ReadAsync())!.BodyCase);
        Assert.Null(await pipes.ReadAsync());
        await run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    private static (PipePair Pipes, Task Run, KickingBackend Backend) Start()
    {
        var pipes = new PipePair();
        var backend = new KickingBackend();
        var session = new ChatSession(pipes.Server, backend, new ChatOptions(), new FakeTimeProvider(), NullLogger.Instance, "c1", "test");
        backend.Session = session;
        return (pipes, session.RunAsync(CancellationToken.None), backend);
    }

    /// <summary>Logout kicks the asking session, as the home cell does when a device logs itself out.</summary>
    private sealed class KickingBackend : IChatBackend
    {
        public ChatSession? Session { get; set; }

        public Action<ChatSession>? OnAttach { get; set; }

        public bool Detached { get; private set; }

        public string CellId => "t";

        public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
            Task.FromResult(new ChatIdentity(42UL, "d", "t"));

        public Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
        {
            OnAttach?.Invoke(session);
            return Task.FromResult(7UL);
        }

        public void Detach(ChatSession session) => Detached = true;

        public async Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken)
        {
            if (request.BodyCase != Frame.BodyOneofCase.Logout)
            {
                return new Frame { Pong = new Pong() };
            }

            session.Kick("logged out");
            await Task.Delay(50, cancellationToken); // the rest of the logout: the connection must wait for it
            return new Frame { LogoutOk = new LogoutOk { SessionsEnded = 1 } };
        }
    }
}
