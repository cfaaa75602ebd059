using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using ImCells.Protos.Client;

namespace ImCells.Protos;

/// <summary>What <see cref="FrameCodec.TryRead"/> found at the start of a buffer.</summary>
public enum FrameReadStatus
{
    /// <summary>Not a whole frame yet: read more.</summary>
    Incomplete,
    /// <summary>A frame was parsed and removed from the buffer.</summary>
    Frame,
    /// <summary>The length prefix announces more than the limit; the stream cannot be trusted.</summary>
    TooLarge,
    /// <summary>The frame body is not a valid <see cref="Client.Frame"/>.</summary>
    Malformed,
}

/// <summary>
/// The client protocol's framing: a 4-byte big-endian length, then a protobuf <see cref="Client.Frame"/>.
/// Shared by the chat server and the client library so both sides agree byte for byte.
/// </summary>
public static class FrameCodec
{
    public const int HeaderSize = 4;

    /// <summary>The default maximum frame body size (64 KiB).</summary>
    public const int DefaultMaxFrameBytes = 64 * 1024;

    /// <summary>
    /// The largest frame body a server sends (1 MiB): every response that lists things is cut to
    /// fit, and a client must accept at least this much (the client library accepts 4 MiB).
    /// </summary>
    public const int MaxServerFrameBytes = 1024 * 1024;

    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. The length is checked before
    /// anything is buffered, so an oversized announcement is refused without waiting for its body.
    /// On <see cref="FrameReadStatus.Frame"/> the buffer is advanced past the frame.
    /// </summary>
    public static FrameReadStatus TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out Frame? frame)
    {
        frame = null;
        if (buffer.Length < HeaderSize)
        {
            return FrameReadStatus.Incomplete;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxFrameBytes)
        {
            return FrameReadStatus.TooLarge;
        }

        if (buffer.Length < HeaderSize + length)
        {
            return FrameReadStatus.Incomplete;
        }

        var body = buffer.Slice(HeaderSize, length);
        try
        {
            frame = Frame.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException)
        {
            return FrameReadStatus.Malformed;
        }

        buffer = buffer.Slice(body.End);
        return FrameReadStatus.Frame;
    }

    /// <summary>Writes the length prefix and the frame straight into the writer's memory.</summary>
    public static int Write(IBufferWriter<byte> writer, Frame frame) => Write(writer, frame, frame.CalculateSize());

    /// <summary>
    /// Like <see cref="Write(IBufferWriter{byte}, Frame)"/> with the body size already known
    /// (<paramref name="size"/> = <c>frame.CalculateSize()</c>, of the frame as it is now).
    /// </summary>
    public static int Write(IBufferWriter<byte> writer, Frame frame, int size)
    {
        var span = writer.GetSpan(HeaderSize + size);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)size);
        frame.WriteTo(span.Slice(HeaderSize, size));
        writer.Advance(HeaderSize + size);
        return HeaderSize + size;
    }
}
