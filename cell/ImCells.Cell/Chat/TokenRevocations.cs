using System.Collections.Concurrent;
using System.Collections.Immutable;
using ImCells.Registry.Hlr;
using ImCells.Server.Security;

namespace ImCells.Cell.Chat;

/// <summary>
/// At a home cell: the logouts of its users, in memory for the token check on every (re)connect
/// (one dictionary lookup, no database) and written through to the HLR. A revocation is kept only
/// while a token it covers could still be young enough (Token:MaxAgeHours).
/// </summary>
internal sealed class TokenRevocations(RevocationStore store, TokenOptions options, TimeProvider time)
{
    /// <summary>
    /// More per-device revocations than this for one user within the token age become one for every
    /// device: a user cannot grow the list without bound by logging out made-up device ids.
    /// </summary>
    public const int MaxDevicesPerUser = 64;

    private readonly ConcurrentDictionary<ulong, UserRevocations> _byUser = new();

    public int Users => _byUser.Count;

    /// <summary>Loads what is still relevant, dropping older rows from the HLR.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var revocation in await store.LoadAfterAsync(Horizon(), cancellationToken))
        {
            Remember(revocation);
        }
    }

    /// <summary>Whether a token of <paramref name="user"/> for <paramref name="device"/> issued at <paramref name="issuedAt"/> was revoked since.</summary>
    public bool IsRevoked(ulong user, string device, DateTimeOffset issuedAt)
    {
        if (!_byUser.TryGetValue(user, out var revocations))
        {
            return false;
        }

        var issuedMs = issuedAt.ToUnixTimeMilliseconds();
        return issuedMs <= revocations.AllDevicesMs
               || (revocations.Devices.TryGetValue(device, out var deviceMs) && issuedMs <= deviceMs);
    }

    /// <summary>
    /// Revokes the tokens of <paramref name="device"/> (null: every device) issued up to
    /// <paramref name="atMs"/>, durably first. Returns the device id recorded: <see cref="TokenRevocationRecord.AllDevices"/>
    /// when every device was revoked, also when one device more would have passed <see cref="MaxDevicesPerUser"/>.
    /// </summary>
    public async Task<string> RevokeAsync(ulong user, string? device, long atMs, CancellationToken cancellationToken)
    {
        if (device is not null && _byUser.TryGetValue(user, out var known)
            && !known.Devices.ContainsKey(device) && known.Devices.Count >= MaxDevicesPerUser)
        {
            device = null;
        }

        var revocation = new TokenRevocationRecord(user, device ?? TokenRevocationRecord.AllDevices, atMs);
        await store.AddAsync(revocation, cancellationToken);
        Remember(revocation);
        Forget(Horizon());
        return revocation.DeviceId;
    }

    private void Remember(TokenRevocationRecord revocation) =>
        _byUser.AddOrUpdate(revocation.UserId,
            static (_, r) => UserRevocations.Empty.With(r),
            static (_, existing, r) => existing.With(r),
            revocation);

    /// <summary>Drops users whose every revocation is at or before <paramref name="horizonMs"/>.</summary>
    private void Forget(long horizonMs)
    {
        foreach (var (user, revocations) in _byUser)
        {
            if (revocations.NewestMs <= horizonMs)
            {
                _byUser.TryRemove(new KeyValuePair<ulong, UserRevocations>(user, revocations));
            }
        }
    }

    /// <summary>Any token issued at or before this is refused as too old anyway.</summary>
    private long Horizon() => (time.GetUtcNow() - options.MaxAge).ToUnixTimeMilliseconds();

    /// <summary>One user's revocations; immutable, so a check never takes a lock.</summary>
    private sealed record UserRevocations(long AllDevicesMs, ImmutableDictionary<string, long> Devices)
    {
        public static readonly UserRevocations Empty = new(long.MinValue, ImmutableDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal));

        public long NewestMs => Devices.Values.Aggregate(AllDevicesMs, Math.Max);

        /// <summary>Merged with <paramref name="r"/>: the later time wins, and device entries an all-devices one covers are dropped.</summary>
        public UserRevocations With(TokenRevocationRecord r)
        {
            if (r.DeviceId == TokenRevocationRecord.AllDevices)
            {
                var all = Math.Max(AllDevicesMs, r.RevokedAtMs);
                return new UserRevocations(all, Devices.RemoveRange(Devices.Where(d => d.Value <= all).Select(d => d.Key)));
            }

            if (r.RevokedAtMs <= AllDevicesMs || (Devices.TryGetValue(r.DeviceId, out var existing) && existing >= r.RevokedAtMs))
            {
                return this;
            }

            return this with { Devices = Devices.SetItem(r.DeviceId, r.RevokedAtMs) };
        }
    }
}
