using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ImCells.Login;

/// <summary>
/// A token bucket per source address: <c>burst</c> requests at once, then <c>perSecond</c>. IPv6
/// sources count per /64 (one subscriber's prefix; a single host can use all of it). At most
/// <c>maxSources</c> buckets are kept: when the table is full, buckets that have refilled completely
/// (worth nothing) are dropped, at most once a second; sources that still find no room share one
/// overflow bucket, so a spray of addresses is limited as one source instead of growing the table.
/// </summary>
internal sealed class SourceRateLimiter
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private static readonly IPAddress Overflow = IPAddress.IPv6None;

    private readonly ConcurrentDictionary<IPAddress, Bucket> _buckets = new();
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly int _maxSources;
    private readonly TimeProvider _time;
    private long _lastSweep;

    /// <param name="perSecond">Refill rate; 0 turns the limit off.</param>
    public SourceRateLimiter(double perSecond, int burst, int maxSources, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSources, 1);
        _perSecond = perSecond;
        _burst = burst;
        _maxSources = maxSources;
        _time = time;
        _lastSweep = time.GetTimestamp() - (long)(SweepInterval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Sources with a bucket (at most maxSources, plus the overflow bucket).</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes one request's token for <paramref name="source"/>; false, with the wait until the next token, when there is none.</summary>
    public bool TryTake(IPAddress? source, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_perSecond == 0)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        var bucket = BucketOf(Key(source), now);
        lock (bucket)
        {
            Refill(bucket, now);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) / _perSecond);
            return false;
        }
    }

    /// <summary>One key per IPv4 address, per IPv6 /64; an unknown source (not over IP) is one key of its own.</summary>
    internal static IPAddress Key(IPAddress? source)
    {
        if (source is null)
        {
            return IPAddress.None;
        }

        if (source.IsIPv4MappedToIPv6)
        {
            return source.MapToIPv4();
        }

        if (source.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return source;
        }

        var bytes = source.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private Bucket BucketOf(IPAddress key, long now)
    {
        if (_buckets.TryGetValue(key, out var bucket))
        {
            return bucket;
        }

        if (_buckets.Count >= _maxSources)
        {
            Sweep(now);
            if (_buckets.Count >= _maxSources)
            {
                return _buckets.GetOrAdd(Overflow, _ => new Bucket(_burst, now));
            }
        }

        return _buckets.GetOrAdd(key, _ => new Bucket(_burst, now));
    }

    /// <summary>Drops the buckets that are full again: a missing bucket means the same.</summary>
    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last, now) < SweepInterval || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                Refill(bucket, now);
                if (bucket.Tokens >= _burst)
                {
                    _buckets.TryRemove(new KeyValuePair<IPAddress, Bucket>(key, bucket));
                }
            }
        }
    }

    private void Refill(Bucket bucket, long now)
    {
        var elapsed = _time.GetElapsedTime(bucket.UpdatedAt, now).TotalSeconds;
        if (elapsed > 0)
        {
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + elapsed * _perSecond);
            bucket.UpdatedAt = now;
        }
    }

    private sealed class Bucket(double tokens, long updatedAt)
    {
        public double Tokens { get; set; } = tokens;

        public long UpdatedAt { get; set; } = updatedAt;
    }
}
