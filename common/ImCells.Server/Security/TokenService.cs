using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ImCells.Server.Security;

/// <summary>
/// Signs and verifies login tokens: base64url(payload) "." base64url(HMAC-SHA256(key, payload)),
/// payload = "2|user|device|home|serving|issued-unix-ms|expiry-unix-seconds". A token is refused
/// once it is older than <see cref="MaxAge"/> even if its expiry lies further ahead, so a key that
/// signed a far expiry (by mistake or by an attacker who held the key) cannot keep it alive.
/// </summary>
public sealed partial class TokenService
{
    /// <summary>How far ahead of this clock an issue time may lie: the login's host clock may run a little fast.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private const string FormatVersion = "2";
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <param name="key">The HMAC key, at least 32 bytes.</param>
    /// <param name="time">The clock; default the system's.</param>
    /// <param name="maxAge">The oldest token accepted; default <see cref="TokenOptions.DefaultMaxAgeHours"/>.</param>
    public TokenService(byte[] key, TimeProvider? time = null, TimeSpan? maxAge = null)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("the token key must be at least 32 bytes", nameof(key));
        }

        _key = key;
        _time = time ?? TimeProvider.System;
        MaxAge = maxAge ?? TimeSpan.FromHours(TokenOptions.DefaultMaxAgeHours);
        if (MaxAge <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAge), MaxAge, "the maximum token age must be positive");
        }
    }

    /// <summary>The oldest token <see cref="Verify"/> accepts, whatever its expiry.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>Device ids are short printable names; '|' would break the payload.</summary>
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    public static partial Regex DeviceIdPattern();

    /// <summary>Signs <paramref name="claims"/> with the current time as the issue time.</summary>
    public string Issue(TokenClaims claims)
    {
        if (!DeviceIdPattern().IsMatch(claims.DeviceId))
        {
            throw new ArgumentException("device id must be 1-64 of A-Z a-z 0-9 . _ : -", nameof(claims));
        }

        var payload = string.Join('|',
            FormatVersion,
            claims.UserId.ToString(CultureInfo.InvariantCulture),
            claims.DeviceId,
            claims.HomeCell,
            claims.ServingCell,
            _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url.EncodeToString(bytes) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, bytes));
    }

    /// <summary>
    /// Checks the signature, then the payload, then the times. <paramref name="claims"/> is set
    /// whenever the payload could be read (also for an expired or too old token).
    /// </summary>
    public TokenCheck Verify(string token, out TokenClaims? claims)
    {
        claims = null;
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.Length > 1024)
        {
            return TokenCheck.Malformed;
        }

        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return TokenCheck.Malformed;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), signature))
        {
            return TokenCheck.BadSignature;
        }

        // Version "1" tokens (no issue time) are refused: their age cannot be checked.
        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 7 || parts[0] != FormatVersion
            || !ulong.TryParse(parts[1], CultureInfo.InvariantCulture, out var userId)
            || !TryParseTime(parts[5], DateTimeOffset.FromUnixTimeMilliseconds, out var issuedAt)
            || !TryParseTime(parts[6], DateTimeOffset.FromUnixTimeSeconds, out var expiresAt))
        {
            return TokenCheck.Malformed;
        }

        claims = new TokenClaims(userId, parts[2], parts[3], parts[4], expiresAt) { IssuedAt = issuedAt };
        var now = _time.GetUtcNow();
        if (issuedAt > now + ClockSkew)
        {
            return TokenCheck.IssuedInFuture;
        }

        if (now - issuedAt >= MaxAge)
        {
            return TokenCheck.TooOld;
        }

        return expiresAt <= now ? TokenCheck.Expired : TokenCheck.Valid;
    }

    private static bool TryParseTime(string text, Func<long, DateTimeOffset> fromUnix, out DateTimeOffset time)
    {
        time = default;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        try
        {
            time = fromUnix(value);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
