using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Cell.Messaging;
using ImCells.Protos;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Benchmarks;

/// <summary>
/// Routing of one message to an online user without a database: real <see cref="ChatSession"/>s
/// over in-memory pipes, the real <see cref="SessionRegistry"/> and <see cref="Notifier"/>, and a
/// backend that stands in for the store (it hands back the entries a commit would have appended).
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private SessionRegistry _registry = null!;
    private Notifier _notifier = null!;
    private MessageIds _ids = null!;
    private FakeBackend _backend = null!;
    private InMemoryClient _sender = null!;
    private InMemoryClient _receiver = null!;
    private MailboxEntry[] _entry = null!;
    private Frame _sendFrame = null!;
    private uint _seq;

    [GlobalSetup]
    public void Setup()
    {
        // No request rate limit: the benchmark sends as fast as it can (a refused Send would never reach the receiver).
        var options = new ChatOptions { MaxRequestsPerSecond = 0 };
        _registry = new SessionRegistry();
        _notifier = new Notifier(_registry);
        _ids = new MessageIds(new CellIdentity("a"));
        _backend = new FakeBackend(_registry, _notifier);
        _sender = InMemoryClient.Start(_backend, options, Samples.Sender);
        _receiver = InMemoryClient.Start(_backend, options, Samples.Receiver);
        _entry = [Samples.ReceiverEntry(1)];
        _sendFrame = new Frame { Send = new SendRequest { To = Samples.Receiver, Text = Samples.Text, ClientMsgId = Samples.ClientMsgId } };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Stop();
        _receiver.Stop();
    }

    /// <summary>
    /// Notifier.NewEntries for one committed entry → the receiver's session queue → its write loop
    /// serializes and flushes → the receiving end of the pipe has the NewMessage frame.
    /// </summary>
    [Benchmark]
    public async Task<Frame> FanOut_NewEntryToOnlineSession()
    {
        _notifier.NewEntries(_entry);
        return await _receiver.ReadFrameAsync();
    }

    /// <summary>
    /// A client Send on the wire → the sender's session parses it → backend (no database: two entries
    /// as a same-cell commit appends) → Notifier pushes NewMessage to both users → SendAck; done when
    /// the receiver has its NewMessage and the sender its SendAck and its own copy.
    /// </summary>
    [Benchmark]
    public async Task<Frame> SendThroughSession_SameCellWithoutDatabase()
    {
        _sendFrame.Seq = ++_seq;
        _sendFrame.Send.ClientMsgId = Samples.ClientMsgId;
        await _sender.WriteAsync(_sendFrame);
        var delivered = await _receiver.ReadFrameAsync();
        await _sender.ReadFrameAsync();
        await _sender.ReadFrameAsync();
        return delivered;
    }

    /// <summary>The message id every send mints.</summary>
    [Benchmark]
    public string MessageIds_Next() => _ids.Next(1_750_000_000_000);
}
