using Google.Protobuf;
using Google.Protobuf.Collections;
using ImCells.Protos;

namespace ImCells.Cell.Chat;

/// <summary>
/// The byte cut of a response that lists things (sync, history, conversations, friend list,
/// scheduled list): items go in while their encoded size stays within the page's bytes, so the whole
/// response fits in one frame of <see cref="FrameCodec.MaxServerFrameBytes"/>. The first item is
/// always taken, so a reader makes progress; the first item that does not fit ends the page.
/// </summary>
internal sealed class ResponsePage(int maxBytes = ResponsePage.MaxBytes)
{
    /// <summary>Room left in the frame for the rest: the response's other fields and the frame around it.</summary>
    public const int Reserve = 64 * 1024;

    /// <summary>The bytes of listed items one response carries at most (960 KiB).</summary>
    public const int MaxBytes = FrameCodec.MaxServerFrameBytes - Reserve;

    /// <summary>Items taken so far.</summary>
    public int Count { get; private set; }

    /// <summary>Their encoded size, as fields of the response.</summary>
    public int Bytes { get; private set; }

    /// <summary>An item did not fit: more follow this page.</summary>
    public bool IsFull { get; private set; }

    /// <summary>Adds <paramref name="item"/> to <paramref name="list"/> if it fits; false (and <see cref="IsFull"/>) when not.</summary>
    public bool TryAdd<T>(RepeatedField<T> list, T item)
        where T : IMessage
    {
        // Tag (every listed field number is below 16: one byte), length, body.
        if (!Fits(1 + CodedOutputStream.ComputeMessageSize(item)))
        {
            return false;
        }

        list.Add(item);
        return true;
    }

    /// <summary>Adds a number of a packed list (its one length prefix is within <see cref="Reserve"/>).</summary>
    public bool TryAdd(RepeatedField<ulong> list, ulong value)
    {
        if (!Fits(CodedOutputStream.ComputeUInt64Size(value)))
        {
            return false;
        }

        list.Add(value);
        return true;
    }

    private bool Fits(int size)
    {
        if (Count > 0 && Bytes + size > maxBytes)
        {
            IsFull = true;
            return false;
        }

        Count++;
        Bytes += size;
        return true;
    }
}
