namespace ImCells.Cell.Chat;

/// <summary>
/// The auth and heartbeat timeouts of every connection of a chat listener, on one timer instead of
/// a timer (and a cancellation source) per connection. Each connection is in one of two lists,
/// "waiting for Auth" and "authenticated", kept in deadline order for free: a connection joins or
/// moves to the tail with now + that list's timeout, so the head is always the first to expire.
/// The timer is set for the earlier head; when it fires it takes every expired head off and tells it.
/// </summary>
internal sealed class ConnectionTimeouts : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _authTicks;
    private readonly long _idleTicks;
    private readonly TimeoutList _waitingForAuth = new();
    private readonly TimeoutList _authenticated = new();
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private readonly long _origin;
    private long _timerDue = long.MaxValue;
    private bool _stopped;

    public ConnectionTimeouts(TimeProvider time, TimeSpan authTimeout, TimeSpan idleTimeout)
    {
        _time = time;
        _origin = time.GetTimestamp();
        _authTicks = authTimeout.Ticks;
        _idleTicks = idleTimeout.Ticks;
        _timer = time.CreateTimer(static state => ((ConnectionTimeouts)state!).Expire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Connections being watched (either list).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waitingForAuth.Count + _authenticated.Count;
            }
        }
    }

    /// <summary>Starts the auth timeout of a new connection; after <see cref="Stop"/>, closes it at once.</summary>
    public void Add(TimeoutEntry entry)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                Place(entry, _waitingForAuth, Now() + _authTicks);
                return;
            }
        }

        entry.OnStopped();
    }

    /// <summary>The connection proved alive (authenticated, or any frame since): its heartbeat timeout starts again.</summary>
    public void Touch(TimeoutEntry entry)
    {
        lock (_gate)
        {
            if (entry.List is not null)
            {
                Place(entry, _authenticated, Now() + _idleTicks);
            }
        }
    }

    public void Remove(TimeoutEntry entry)
    {
        lock (_gate)
        {
            entry.List?.Remove(entry);
        }
    }

    /// <summary>The listener stops (the cell shuts down): every connection is closed, and any that comes later too.</summary>
    public void Stop()
    {
        List<TimeoutEntry> all = [];
        lock (_gate)
        {
            _stopped = true;
            _waitingForAuth.DrainTo(all);
            _authenticated.DrainTo(all);
        }

        foreach (var entry in all)
        {
            entry.OnStopped();
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Place(TimeoutEntry entry, TimeoutList list, long deadline)
    {
        entry.List?.Remove(entry);
        entry.Deadline = deadline;
        list.Append(entry);
        if (deadline < _timerDue)
        {
            Arm(deadline);
        }
    }

    private void Expire()
    {
        List<TimeoutEntry>? expired = null;
        lock (_gate)
        {
            var now = Now();
            _timerDue = long.MaxValue;
            _waitingForAuth.TakeExpired(now, ref expired);
            _authenticated.TakeExpired(now, ref expired);
            var next = Math.Min(_waitingForAuth.Head?.Deadline ?? long.MaxValue, _authenticated.Head?.Deadline ?? long.MaxValue);
            if (next != long.MaxValue)
            {
                Arm(next);
            }
        }

        // Outside the lock: closing a connection runs its own code.
        foreach (var entry in expired ?? [])
        {
            entry.OnTimedOut();
        }
    }

    private void Arm(long deadline)
    {
        _timerDue = deadline;
        // At least a millisecond, so a timer that fires a little early does not spin.
        _timer.Change(TimeSpan.FromTicks(Math.Max(deadline - Now(), TimeSpan.TicksPerMillisecond)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>The clock in TimeSpan ticks (100 ns) since this was made: a difference, so exact on a fake clock.</summary>
    private long Now() => _time.GetElapsedTime(_origin).Ticks;

    /// <summary>A doubly linked list threaded through the entries themselves: no node objects.</summary>
    internal sealed class TimeoutList
    {
        private TimeoutEntry? _tail;

        public TimeoutEntry? Head { get; private set; }

        public int Count { get; private set; }

        public void Append(TimeoutEntry entry)
        {
            entry.List = this;
            entry.Previous = _tail;
            entry.Next = null;
            if (_tail is null)
            {
                Head = entry;
            }
            else
            {
                _tail.Next = entry;
            }

            _tail = entry;
            Count++;
        }

        public void Remove(TimeoutEntry entry)
        {
            if (entry.Previous is null)
            {
                Head = entry.Next;
            }
            else
            {
                entry.Previous.Next = entry.Next;
            }

            if (entry.Next is null)
            {
                _tail = entry.Previous;
            }
            else
            {
                entry.Next.Previous = entry.Previous;
            }

            entry.List = null;
            entry.Previous = entry.Next = null;
            Count--;
        }

        public void TakeExpired(long now, ref List<TimeoutEntry>? into)
        {
            while (Head is { } head && head.Deadline <= now)
            {
                Remove(head);
                (into ??= []).Add(head);
            }
        }

        public void DrainTo(List<TimeoutEntry> into)
        {
            while (Head is { } head)
            {
                Remove(head);
                into.Add(head);
            }
        }
    }
}

/// <summary>What <see cref="ConnectionTimeouts"/> watches: a connection, with the links of its list.</summary>
internal abstract class TimeoutEntry
{
    internal TimeoutEntry? Previous { get; set; }

    internal TimeoutEntry? Next { get; set; }

    internal long Deadline { get; set; }

    internal ConnectionTimeouts.TimeoutList? List { get; set; }

    /// <summary>Called once, on the timer's thread, when the deadline passed.</summary>
    public abstract void OnTimedOut();

    /// <summary>Called once when the listener stops.</summary>
    public abstract void OnStopped();
}
