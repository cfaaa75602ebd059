using System.IO.Pipelines;
using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Protos;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Benchmarks;

/// <summary>A client end of an in-memory connection to a real <see cref="ChatSession"/>.</summary>
internal sealed class InMemoryClient
{
    private readonly Pipe _toServer = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Pipe _toClient = new(new PipeOptions(useSynchronizationContext: false));
    private readonly CancellationTokenSource _closed = new();
    private Task _session = Task.CompletedTask;

    public static InMemoryClient Start(FakeBackend backend, ChatOptions options, ulong userId)
    {
        var client = new InMemoryClient();
        var session = new ChatSession(new DuplexPipe(client._toServer.Reader, client._toClient.Writer), backend, options,
            TimeProvider.System, NullLogger.Instance, $"bench-{userId}", "memory");
        client._session = session.RunAsync(client._closed.Token);
        client.WriteAsync(new Frame { Seq = 1, Auth = new Auth { Token = userId.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            .AsTask().GetAwaiter().GetResult();
        var authOk = client.ReadFrameAsync().GetAwaiter().GetResult();
        return authOk.BodyCase == Frame.BodyOneofCase.AuthOk ? client : throw new InvalidOperationException($"expected AuthOk, got {authOk}");
    }

    public ValueTask<FlushResult> WriteAsync(Frame frame)
    {
        FrameCodec.Write(_toServer.Writer, frame);
        return _toServer.Writer.FlushAsync();
    }

    public async Task<Frame> ReadFrameAsync()
    {
        var reader = _toClient.Reader;
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            var status = FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var frame);
            if (status == FrameReadStatus.Frame)
            {
                reader.AdvanceTo(buffer.Start);
                return frame!;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new InvalidOperationException("session closed");
            }
        }
    }

    public void Stop()
    {
        _closed.Cancel();
        _toServer.Writer.Complete();
        _session.Wait(TimeSpan.FromSeconds(5));
    }
}

internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}

/// <summary>Authenticates "token = user number", attaches to the registry, and routes sends like a same-cell commit.</summary>
internal sealed class FakeBackend(SessionRegistry registry, Notifier notifier) : IChatBackend
{
    private ulong _seq;

    public string CellId => "a";

    public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
        Task.FromResult(new ChatIdentity(ulong.Parse(auth.Token, System.Globalization.CultureInfo.InvariantCulture), "bench", CellId));

    public Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        registry.Add(session);
        return Task.FromResult(0UL);
    }

    public void Detach(ChatSession session) => registry.Remove(session);

    public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken)
    {
        if (request.BodyCase != Frame.BodyOneofCase.Send)
        {
            throw new NotSupportedException(request.BodyCase.ToString());
        }

        var seq = ++_seq;
        const long sentAt = 1_750_000_000_000;
        var appended = new[]
        {
            new MailboxEntry(session.UserId, seq, Samples.MessageId, session.UserId, request.Send.To, request.Send.Text, sentAt),
            new MailboxEntry(request.Send.To, seq, Samples.MessageId, session.UserId, request.Send.To, request.Send.Text, sentAt),
        };
        notifier.NewEntries(appended);
        return Task.FromResult(new Frame { SendAck = new SendAck { MessageId = Samples.MessageId, Seq = seq, SentAtMs = sentAt } });
    }
}
