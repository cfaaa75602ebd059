using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using ImCells.Protos;
using ImCells.Protos.Client;

namespace ImCells.Benchmarks;

/// <summary>
/// The framing hot path. Expected allocations: parsing allocates the message objects and their
/// strings (Frame + body + text) and nothing else; writing allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class FrameCodecBenchmarks
{
    private ReadOnlySequence<byte> _sendFrame;
    private ReadOnlySequence<byte> _newMessageFrame;
    private Frame _newMessage = null!;
    private ArrayBufferWriter<byte> _writer = null!;
    private Pipe _pipe = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sendFrame = Framed(new Frame { Seq = 42, Send = new SendRequest { To = 11_000_123, Text = Samples.Text, ClientMsgId = Samples.ClientMsgId } });
        _newMessage = Samples.NewMessageFrame();
        _newMessageFrame = Framed(_newMessage);
        _writer = new ArrayBufferWriter<byte>(4096);
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    }

    /// <summary>The server parsing one client Send request (64-byte text).</summary>
    [Benchmark]
    public Frame? TryRead_SendRequest()
    {
        var buffer = _sendFrame;
        FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var frame);
        return frame;
    }

    /// <summary>A client parsing one NewMessage notify.</summary>
    [Benchmark]
    public Frame? TryRead_NewMessage()
    {
        var buffer = _newMessageFrame;
        FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var frame);
        return frame;
    }

    /// <summary>Serializing one NewMessage notify into a reused buffer.</summary>
    [Benchmark]
    public int Write_NewMessage_ArrayBufferWriter()
    {
        _writer.ResetWrittenCount();
        return FrameCodec.Write(_writer, _newMessage);
    }

    /// <summary>Serializing one NewMessage notify into a Pipe (as the session's write loop does), flushed and consumed.</summary>
    [Benchmark]
    public long Write_NewMessage_Pipe()
    {
        FrameCodec.Write(_pipe.Writer, _newMessage);
        _pipe.Writer.FlushAsync().GetAwaiter().GetResult();
        _pipe.Reader.TryRead(out var result);
        var length = result.Buffer.Length;
        _pipe.Reader.AdvanceTo(result.Buffer.End);
        return length;
    }

    private static ReadOnlySequence<byte> Framed(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return new ReadOnlySequence<byte>(writer.WrittenMemory.ToArray());
    }
}
