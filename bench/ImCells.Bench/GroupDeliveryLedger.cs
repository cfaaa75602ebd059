namespace ImCells.Bench;

/// <summary>
/// The delivery accounting of bench group. Per online member: which sender messages reached it
/// (key: the sender and the sender's own counter) and which group seqs (a seq twice is a duplicate,
/// a seq below the highest seen so far is out of order). Per sender: the group seq each acknowledged
/// counter got, so that what a member lacks at the end is known by seq. A member's arrivals come
/// from its read loop and a sender's acks from its own; the locks keep the final count apart from
/// late arrivals and are otherwise uncontended.
/// </summary>
internal sealed class GroupDeliveryLedger
{
    private readonly MemberLog[] _members;
    private readonly SenderLog[] _senders;
    private readonly int[] _senderMembers;
    private readonly ulong _baseSeq;
    private long _acked;
    private long _deliveries;
    private long _duplicates;
    private long _repeated;
    private long _outOfOrder;
    private long _lastDelivery;

    /// <param name="members">How many online members record arrivals (indexes 0 to members - 1).</param>
    /// <param name="senderMembers">The member index of each sender.</param>
    /// <param name="baseSeq">The group's head seq before the run: every message of the run has a higher seq.</param>
    public GroupDeliveryLedger(int members, IReadOnlyList<int> senderMembers, ulong baseSeq)
    {
        _senderMembers = [.. senderMembers];
        _baseSeq = baseSeq;
        _senders = [.. senderMembers.Select(_ => new SenderLog())];
        _members = [.. Enumerable.Range(0, members).Select(_ => new MemberLog(senderMembers.Count))];
    }

    /// <summary>send → device of each new delivery.</summary>
    public LatencyHistogram Latency { get; } = new();

    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Arrivals of a message at a member that had not had it (the sender's own copy is not one).</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>Arrivals of a group seq the member had already had.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Arrivals of a message the member had already had under another seq (stored twice).</summary>
    public long Repeated => Interlocked.Read(ref _repeated);

    /// <summary>Deliveries whose seq is below the highest one the member had seen.</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    /// <summary>The Stopwatch timestamp of the latest delivery; 0 before the first.</summary>
    public long LastDeliveryTimestamp => Interlocked.Read(ref _lastDelivery);

    /// <summary>Every online member but the sender gets every acknowledged message.</summary>
    public long ExpectedDeliveries => Acked * (_members.Length - 1);

    /// <summary>The sender's message number <paramref name="counter"/> was stored as <paramref name="seq"/>.</summary>
    public void Ack(int sender, int counter, ulong seq)
    {
        var log = _senders[sender];
        lock (log.Gate)
        {
            if (counter >= log.Seqs.Length)
            {
                Array.Resize(ref log.Seqs, Math.Max(counter + 1, log.Seqs.Length * 2));
            }

            if (log.Seqs[counter] != 0)
            {
                return;
            }

            log.Seqs[counter] = seq;
            log.Count = Math.Max(log.Count, counter + 1);
        }

        Interlocked.Increment(ref _acked);
    }

    /// <summary>Records one push of a run message at an online member (not the sender's own copy); true when it is a new delivery.</summary>
    public bool Arrived(int member, int sender, int counter, ulong seq, long sentTimestamp, long nowTimestamp)
    {
        if ((uint)member >= (uint)_members.Length || (uint)sender >= (uint)_senders.Length || counter < 0
            || seq <= _baseSeq || seq - _baseSeq > int.MaxValue)
        {
            return false; // not of this run
        }

        var log = _members[member];
        lock (log.Gate)
        {
            if (!log.Seqs.Add((int)(seq - _baseSeq - 1)))
            {
                Interlocked.Increment(ref _duplicates);
                return false;
            }

            if (!log.BySender[sender].Add(counter))
            {
                Interlocked.Increment(ref _repeated);
                return false;
            }

            if (seq < log.HighestSeq)
            {
                Interlocked.Increment(ref _outOfOrder);
            }

            log.HighestSeq = Math.Max(log.HighestSeq, seq);
        }

        Latency.Record(nowTimestamp - sentTimestamp);
        Interlocked.Increment(ref _deliveries);
        Interlocked.Exchange(ref _lastDelivery, nowTimestamp);
        return true;
    }

    /// <summary>The seqs of the acknowledged messages of other senders that never reached <paramref name="member"/>, ascending.</summary>
    public List<ulong> Missing(int member)
    {
        var log = _members[member];
        var missing = new List<ulong>();
        for (var s = 0; s < _senders.Length; s++)
        {
            if (_senderMembers[s] == member)
            {
                continue;
            }

            var sender = _senders[s];
            lock (sender.Gate)
            {
                lock (log.Gate)
                {
                    for (var counter = 0; counter < sender.Count; counter++)
                    {
                        if (sender.Seqs[counter] != 0 && !log.BySender[s].Contains(counter))
                        {
                            missing.Add(sender.Seqs[counter]);
                        }
                    }
                }
            }
        }

        missing.Sort();
        return missing;
    }

    private sealed class MemberLog(int senders)
    {
        public readonly Lock Gate = new();
        public readonly GrowingBitSet Seqs = new();
        public readonly GrowingBitSet[] BySender = [.. Enumerable.Range(0, senders).Select(_ => new GrowingBitSet())];
        public ulong HighestSeq;
    }

    private sealed class SenderLog
    {
        public readonly Lock Gate = new();
        public ulong[] Seqs = new ulong[64];
        public int Count;
    }
}
