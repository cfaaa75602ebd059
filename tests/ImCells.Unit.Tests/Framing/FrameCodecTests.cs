using System.Buffers.Binary;
using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using ImCells.Protos.Client;
using ImCells.Protos;
using Xunit;

namespace ImCells.Unit.Tests.Framing;

/// <summary>
/// <see cref="FrameCodec"/> driven the way the chat server drives it: bytes arrive through a
/// <see cref="Pipe"/>, the reader parses every whole frame and advances to (consumed, examined).
/// </summary>
public sealed class FrameCodecTests
{
    private const int Max = FrameCodec.DefaultMaxFrameBytes;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static Frame Send(uint seq, string text) =>
        new() { Seq = seq, Send = new SendRequest { To = 11_000_000 + seq, Text = text, ClientMsgId = $"c{seq}" } };

    private static byte[] Encode(params Frame[] frames)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            FrameCodec.Write(writer, frame);
        }

        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Write_PrefixesTheBodyWithItsBigEndianLength()
    {
        var frame = Send(1, "hello");
        var writer = new ArrayBufferWriter<byte>();

        var written = FrameCodec.Write(writer, frame);

        Assert.Equal(FrameCodec.HeaderSize + frame.CalculateSize(), written);
        Assert.Equal(written, writer.WrittenCount);
        Assert.Equal((uint)frame.CalculateSize(), BinaryPrimitives.ReadUInt32BigEndian(writer.WrittenSpan));
        Assert.Equal(frame.ToByteArray(), writer.WrittenSpan[FrameCodec.HeaderSize..].ToArray());
    }

    [Fact]
    public async Task FrameWrittenByteByByte_IsParsedOnceWhenTheLastByteArrives()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var pipe = new Pipe();
        var expected = Send(7, "split across many writes");
        var bytes = Encode(expected);
        var parsed = new List<Frame>();

        for (var i = 0; i < bytes.Length; i++)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(i, 1), cts.Token);
            var result = await pipe.Reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            Assert.Equal(i + 1, buffer.Length);
            var status = FrameCodec.TryRead(ref buffer, Max, out var frame);
            if (i < bytes.Length - 1)
            {
                Assert.Equal(FrameReadStatus.Incomplete, status);
                Assert.Null(frame);
                Assert.Equal(result.Buffer.Length, buffer.Length);
            }
            else
            {
                Assert.Equal(FrameReadStatus.Frame, status);
                parsed.Add(frame!);
                Assert.Equal(0, buffer.Length);
            }

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        Assert.Equal(expected, Assert.Single(parsed));
    }

    [Fact]
    public async Task ManyFramesInOneWrite_AreAllParsedInOrder()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var pipe = new Pipe();
        var expected = Enumerable.Range(1, 200).Select(i => Send((uint)i, $"m{i}")).ToArray();

        await pipe.Writer.WriteAsync(Encode(expected), cts.Token);
        await pipe.Writer.CompleteAsync();
        var (frames, status) = await ReadAllAsync(pipe.Reader, Max, cts.Token);

        Assert.Null(status);
        Assert.Equal(expected, frames);
    }

    [Fact]
    public async Task FramesInRandomSizedChunks_AreAllParsedInOrder()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16));
        var random = new Random(1234);
        var expected = Enumerable.Range(1, 100)
            .Select(i => Send((uint)i, new string('x', random.Next(0, 3000))))
            .ToArray();
        var bytes = Encode(expected);

        var reader = ReadAllAsync(pipe.Reader, Max, cts.Token);
        for (var offset = 0; offset < bytes.Length;)
        {
            var chunk = Math.Min(random.Next(1, 700), bytes.Length - offset);
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, chunk), cts.Token);
            offset += chunk;
        }

        await pipe.Writer.CompleteAsync();
        var (frames, status) = await reader.WaitAsync(cts.Token);

        Assert.Null(status);
        Assert.Equal(expected, frames);
    }

    [Fact]
    public async Task EveryKindOfFrame_RoundTrips()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var pipe = new Pipe();
        Frame[] expected =
        [
            new() { Seq = 1, Auth = new Auth { Token = "t.s", DeviceId = "phone", LastSeq = 42 } },
            new() { Seq = 2, Ping = new Ping { ClientTimeMs = 123 } },
            new() { Seq = 3, Sync = new SyncRequest { FromSeq = 5, Limit = 100 } },
            new() { Seq = 3, SyncResult = new SyncResult { HeadSeq = 9, HasMore = true, Messages = { new ChatMessage { Id = "a-1", From = 1, To = 2, Seq = 6, Text = "héllo ✓", SentAtMs = 99 } } } },
            new() { Seq = 4, Error = new Error { Code = ErrorCode.UnknownRecipient, Message = "no such user" } },
            new() { NewMessage = new NewMessage { Message = new ChatMessage { Id = "b-2", Text = "" } } },
            new() { SendFailed = new SendFailed { MessageId = "a-3", To = 5, Code = ErrorCode.UnknownRecipient, Reason = "gone" } },
            new() { Kicked = new Kicked { Reason = "other device" } },
            new(),
        ];

        await pipe.Writer.WriteAsync(Encode(expected), cts.Token);
        await pipe.Writer.CompleteAsync();
        var (frames, status) = await ReadAllAsync(pipe.Reader, Max, cts.Token);

        Assert.Null(status);
        Assert.Equal(expected, frames);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PartialHeader_IsIncompleteAndConsumesNothing(int length)
    {
        var bytes = Encode(Send(1, "x"))[..length];
        var buffer = new ReadOnlySequence<byte>(bytes);

        var status = FrameCodec.TryRead(ref buffer, Max, out var frame);

        Assert.Equal(FrameReadStatus.Incomplete, status);
        Assert.Null(frame);
        Assert.Equal(length, buffer.Length);
    }

    [Fact]
    public void WholeHeaderPartialBody_IsIncompleteAndConsumesNothing()
    {
        var bytes = Encode(Send(1, "a body of some length"));
        var buffer = new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1);

        var status = FrameCodec.TryRead(ref buffer, Max, out _);

        Assert.Equal(FrameReadStatus.Incomplete, status);
        Assert.Equal(bytes.Length - 1, buffer.Length);
    }

    [Fact]
    public void BodyExactlyAtTheLimit_IsNotTooLarge()
    {
        var frame = Send(1, new string('x', 900));
        for (var i = 0; i < 5 && frame.CalculateSize() != 1000; i++)
        {
            frame.Send.Text = new string('x', frame.Send.Text.Length + 1000 - frame.CalculateSize());
        }

        Assert.Equal(1000, frame.CalculateSize());
        var buffer = new ReadOnlySequence<byte>(Encode(frame));

        var status = FrameCodec.TryRead(ref buffer, maxFrameBytes: 1000, out var parsed);

        Assert.Equal(FrameReadStatus.Frame, status);
        Assert.Equal(frame, parsed);
    }

    [Theory]
    [InlineData(1001u)]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0x8000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public async Task LengthAboveTheMax_IsTooLargeWithoutWaitingForTheBody(uint announced)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var pipe = new Pipe();
        var header = new byte[FrameCodec.HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, announced);

        // Only the header is ever written: the verdict must not need the body.
        await pipe.Writer.WriteAsync(header, cts.Token);
        var result = await pipe.Reader.ReadAsync(cts.Token);
        var buffer = result.Buffer;
        var status = FrameCodec.TryRead(ref buffer, maxFrameBytes: 1000, out var frame);
        pipe.Reader.AdvanceTo(buffer.Start, buffer.End);

        Assert.Equal(FrameReadStatus.TooLarge, status);
        Assert.Null(frame);
    }

    [Fact]
    public async Task OversizedFrameAfterGoodOnes_GoodOnesParsedThenTooLarge()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var pipe = new Pipe();
        var good = new[] { Send(1, "a"), Send(2, "b") };
        var big = Encode(Send(3, new string('x', 2000)));

        await pipe.Writer.WriteAsync(Encode(good), cts.Token);
        await pipe.Writer.WriteAsync(big.AsMemory(0, 10), cts.Token);
        var (frames, status) = await ReadAllAsync(pipe.Reader, maxFrameBytes: 1000, cts.Token);

        Assert.Equal(good, frames);
        Assert.Equal(FrameReadStatus.TooLarge, status);
    }

    [Theory]
    [InlineData(new byte[] { 0x0F })] // field 1, wire type 7: no such wire type
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })] // varint longer than 10 bytes
    [InlineData(new byte[] { 0x52, 0x05, 0x0A })] // auth: 5 bytes announced, 1 present
    [InlineData(new byte[] { 0x00 })] // field number 0
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void GarbageBody_IsMalformed(byte[] body)
    {
        var bytes = new byte[FrameCodec.HeaderSize + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)body.Length);
        body.CopyTo(bytes, FrameCodec.HeaderSize);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var status = FrameCodec.TryRead(ref buffer, Max, out var frame);

        Assert.Equal(FrameReadStatus.Malformed, status);
        Assert.Null(frame);
    }

    [Fact]
    public async Task RandomGarbageStream_NeverThrowsAndEndsMalformedTooLargeOrIncomplete()
    {
        using var cts = new CancellationTokenSource(Timeout);
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            var pipe = new Pipe();

            await pipe.Writer.WriteAsync(garbage, cts.Token);
            await pipe.Writer.CompleteAsync();
            var (_, status) = await ReadAllAsync(pipe.Reader, maxFrameBytes: 256, cts.Token);

            Assert.True(status is null or FrameReadStatus.Malformed or FrameReadStatus.TooLarge or FrameReadStatus.Incomplete, $"seed {seed}: {status}");
        }
    }

    [Fact]
    public async Task RandomBodyWithValidLength_IsMalformedOrAFrame()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var malformed = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var body = new byte[random.Next(1, 200)];
            random.NextBytes(body);
            var bytes = new byte[FrameCodec.HeaderSize + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)body.Length);
            body.CopyTo(bytes, FrameCodec.HeaderSize);
            var pipe = new Pipe();

            await pipe.Writer.WriteAsync(bytes, cts.Token);
            var result = await pipe.Reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var status = FrameCodec.TryRead(ref buffer, Max, out _);
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);

            Assert.True(status is FrameReadStatus.Malformed or FrameReadStatus.Frame, $"seed {seed}: {status}");
            malformed += status == FrameReadStatus.Malformed ? 1 : 0;
        }

        Assert.True(malformed > 100, $"only {malformed} of 200 random bodies were refused");
    }

    /// <summary>
    /// The server's read loop: parse every whole frame, then advance to (consumed, examined).
    /// Returns the frames and the status that stopped it (null when the writer completed cleanly).
    /// </summary>
    private static async Task<(List<Frame> Frames, FrameReadStatus? Stop)> ReadAllAsync(
        PipeReader reader, int maxFrameBytes, CancellationToken ct)
    {
        var frames = new List<Frame>();
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var status = FrameReadStatus.Incomplete;
            long left;
            try
            {
                while ((status = FrameCodec.TryRead(ref buffer, maxFrameBytes, out var frame)) == FrameReadStatus.Frame)
                {
                    frames.Add(frame!);
                }

                left = buffer.Length;
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (status is FrameReadStatus.TooLarge or FrameReadStatus.Malformed)
            {
                return (frames, status);
            }

            if (result.IsCompleted)
            {
                return (frames, left == 0 ? null : FrameReadStatus.Incomplete);
            }
        }
    }
}
