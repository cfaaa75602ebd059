using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ImCells.Client;
using ImCells.Protos;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// Closing a connection whose write is stuck (the server stopped reading): the flush is cancelled
/// with bytes still in the writer, and disposing must not try to send them over the dead socket
/// (it threw, which ended the owner's reconnect loop for good).
/// </summary>
public sealed class ChatConnectionCloseTests
{
    private const int TextBytes = 512 * 1024;

    [Fact]
    public async Task ServerStopsReading_DisposeDuringABlockedWriteCompletes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = AnswerAuthThenStopReadingAsync(listener, cts.Token);

        var connection = await ChatConnection.ConnectAsync(
            $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", new Auth { Token = "t" }, trust: null, cellId: "a",
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), cts.Token);
        connection.Start((_, _) => { });

        // Far more than the socket buffers hold: one of these writes blocks in its flush.
        var text = new string('x', TextBytes);
        var sends = Enumerable.Range(0, 100)
            .Select(i => connection.SendAsync(new SendRequest { To = 1, Text = text, ClientMsgId = $"m{i}" }, cts.Token))
            .ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(500), cts.Token);

        await connection.DisposeAsync().AsTask().WaitAsync(cts.Token);

        Assert.True(connection.IsClosed);
        foreach (var send in sends)
        {
            var failed = await Assert.ThrowsAsync<ImClientException>(() => send);
            Assert.Equal(ErrorCode.Unavailable, failed.Code);
        }

        (await server).Dispose();
    }

    private static async Task<Socket> AnswerAuthThenStopReadingAsync(TcpListener listener, CancellationToken ct)
    {
        var socket = await listener.AcceptSocketAsync(ct);
        var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            if (FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var auth) == FrameReadStatus.Frame)
            {
                reader.AdvanceTo(buffer.Start);
                var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
                FrameCodec.Write(writer, new Frame { Seq = auth!.Seq, AuthOk = new AuthOk { UserId = 1, CellId = "a", MaxFrameBytes = 1024 * 1024 } });
                await writer.FlushAsync(ct);
                return socket;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
