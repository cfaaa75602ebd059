using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>
/// The requests of one lean connection awaiting their answer, by frame seq, each with what the
/// benchmark needs to know of it (no task per request). Seqs run from 10 up (1 is Auth and the
/// heartbeat's Ping), wrapping past 0 back to 10.
/// </summary>
internal sealed class InFlightTable<T>
{
    private readonly Dictionary<uint, T> _waiting = [];
    private uint _nextSeq = 10;

    public int Count
    {
        get
        {
            lock (_waiting)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>A fresh seq for a request this table does not keep.</summary>
    public uint NextSeq()
    {
        lock (_waiting)
        {
            return Next();
        }
    }

    /// <summary>Gives <paramref name="frame"/> a fresh seq and sends it, keeping <paramref name="what"/> until its answer; false (nothing kept) when the connection is gone.</summary>
    public bool Send(LeanConnection connection, Frame frame, T what)
    {
        lock (_waiting)
        {
            frame.Seq = Next();
            _waiting[frame.Seq] = what;
        }

        if (connection.Send(frame))
        {
            return true;
        }

        TryComplete(frame.Seq, out _);
        return false;
    }

    public bool TryComplete(uint seq, out T what)
    {
        lock (_waiting)
        {
            return _waiting.Remove(seq, out what!);
        }
    }

    private uint Next()
    {
        var seq = _nextSeq++;
        if (_nextSeq == 0)
        {
            _nextSeq = 10;
        }

        return seq;
    }
}
