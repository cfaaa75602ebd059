using Microsoft.Extensions.Caching.Memory;

namespace ImCells.Registry.Vlr;

/// <summary>What this cell remembers about a user homed in another cell.</summary>
public sealed record VisitorRecord(ulong UserId, string HomeCell, bool Exists, string Name, ImCells.Protos.Client.Profile? Profile = null)
{
    /// <summary>For a roaming visitor: its friend list, loaded from the home HLR at attach.</summary>
    public IReadOnlyList<ulong> Friends { get; init; } = [];
}

/// <summary>
/// The VLR: a bounded, expiring cache of users homed elsewhere, so a send to a foreign number does
/// not cost a gRPC look-up every time. Entries are dropped on invalidation from the home cell.
/// </summary>
public sealed class VisitorCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeSpan _ttl;

    public VisitorCache(int capacity = 100_000, TimeSpan? ttl = null)
    {
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity });
        _ttl = ttl ?? TimeSpan.FromMinutes(5);
    }

    public int Count => _cache.Count;

    public bool TryGet(ulong userId, out VisitorRecord? record)
    {
        var hit = _cache.TryGetValue(userId, out record);
        VlrMetrics.Lookup(hit);
        return hit;
    }

    /// <summary>A "no such user" answer is kept briefly only: the number may be registered soon.</summary>
    public void Set(VisitorRecord record) =>
        _cache.Set(record.UserId, record, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = record.Exists ? _ttl : NegativeTtl,
        });

    private static readonly TimeSpan NegativeTtl = TimeSpan.FromSeconds(5);

    public void Invalidate(ulong userId) => _cache.Remove(userId);

    /// <summary>The record from cache, or fetched by <paramref name="fetch"/> and cached (null results are not cached).</summary>
    public async Task<VisitorRecord?> GetOrFetchAsync(ulong userId, Func<ulong, Task<VisitorRecord?>> fetch)
    {
        if (TryGet(userId, out var cached))
        {
            return cached;
        }

        var fetched = await fetch(userId);
        if (fetched is not null)
        {
            Set(fetched);
        }

        return fetched;
    }

    public void Dispose() => _cache.Dispose();
}
