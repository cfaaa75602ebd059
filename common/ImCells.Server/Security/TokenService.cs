using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ImCells.Server.Security;

/// <summary>
/// Signs and verifies login tokens: base64url(payload) "." base64url(HMAC-SHA256(key, payload)),
/// payload = "1|user|device|home|serving|expiry-unix-seconds".
/// </summary>
public sealed partial class TokenService
{
    private const string FormatVersion = "1";
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public TokenService(byte[] key, TimeProvider? time = null)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("the token key must be at least 32 bytes", nameof(key));
        }

        _key = key;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Device ids are short printable names; '|' would break the payload.</summary>
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    public static partial Regex DeviceIdPattern();

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
            claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url.EncodeToString(bytes) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, bytes));
    }

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

        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 6 || parts[0] != FormatVersion
            || !ulong.TryParse(parts[1], CultureInfo.InvariantCulture, out var userId)
            || !long.TryParse(parts[5], CultureInfo.InvariantCulture, out var expiry))
        {
            return TokenCheck.Malformed;
        }

        claims = new TokenClaims(userId, parts[2], parts[3], parts[4], DateTimeOffset.FromUnixTimeSeconds(expiry));
        return claims.ExpiresAt <= _time.GetUtcNow() ? TokenCheck.Expired : TokenCheck.Valid;
    }
}
