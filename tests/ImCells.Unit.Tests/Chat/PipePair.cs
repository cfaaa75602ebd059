using System.Buffers;
using System.IO.Pipelines;
using ImCells.Protos;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Chat;

/// <summary>An in-memory connection: the server side is an <see cref="IDuplexPipe"/>, the test plays the client.</summary>
internal sealed class PipePair
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();

    public PipePair() => Server = new Duplex(_toServer.Reader, _toClient.Writer);

    public IDuplexPipe Server { get; }

    /// <summary>What an aborted socket does to the server: whatever it still writes goes nowhere.</summary>
    public void DropClient() => _toClient.Reader.Complete();

    public async Task WriteAsync(byte[] bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    public static byte[] Encode(params Frame[] frames)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            FrameCodec.Write(buffer, frame);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The next frame from the server, or null once the server closed the connection.</summary>
    public async Task<Frame?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            var status = FrameCodec.TryRead(ref buffer, 1 << 20, out var frame);
            if (status == FrameReadStatus.Frame)
            {
                // Examined only what was consumed: the next read must see frames already buffered.
                _toClient.Reader.AdvanceTo(buffer.Start);
                return frame;
            }

            _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);

            Assert.Equal(FrameReadStatus.Incomplete, status);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
