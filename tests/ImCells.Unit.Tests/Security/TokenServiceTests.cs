using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ImCells.Server.Security;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ImCells.Unit.Tests.Security;

public sealed class TokenServiceTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static TokenClaims Claims(string device = "phone-1", TimeSpan? life = null) =>
        new(10_000_042, device, "a", "b", Now + (life ?? TimeSpan.FromHours(1)));

    private static TokenService Service(TimeProvider? time = null, byte[]? key = null) =>
        new(key ?? Key, time ?? new FakeTimeProvider(Now));

    [Fact]
    public void IssuedToken_VerifiesWithTheSameClaims()
    {
        var service = Service();
        var claims = Claims();

        var check = service.Verify(service.Issue(claims), out var verified);

        Assert.Equal(TokenCheck.Valid, check);
        Assert.Equal(claims with { IssuedAt = Now }, verified);
    }

    [Theory]
    [InlineData("d")]
    [InlineData("A.b_c:d-9")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void AllowedDeviceIds_RoundTrip(string device)
    {
        var service = Service();

        var check = service.Verify(service.Issue(Claims(device)), out var verified);

        Assert.Equal(TokenCheck.Valid, check);
        Assert.Equal(device, verified?.DeviceId);
    }

    [Fact]
    public void TokenFromAnotherProcessWithTheSameKey_Verifies()
    {
        var token = Service().Issue(Claims());

        var check = Service(key: (byte[])Key.Clone()).Verify(token, out _);

        Assert.Equal(TokenCheck.Valid, check);
    }

    [Fact]
    public void TamperedPayload_IsBadSignature()
    {
        var service = Service();
        var (payload, signature) = Split(service.Issue(Claims()));
        var forged = Encoding.UTF8.GetString(payload).Replace("|10000042|", "|10000043|");
        Assert.NotEqual(Encoding.UTF8.GetString(payload), forged);

        var check = service.Verify(Join(Encoding.UTF8.GetBytes(forged), signature), out var claims);

        Assert.Equal(TokenCheck.BadSignature, check);
        Assert.Null(claims);
    }

    [Fact]
    public void ExtendedExpiry_IsBadSignature()
    {
        var service = Service();
        var (payload, signature) = Split(service.Issue(Claims()));
        var text = Encoding.UTF8.GetString(payload);
        var forged = text[..(text.LastIndexOf('|') + 1)] + (Now + TimeSpan.FromDays(365)).ToUnixTimeSeconds();

        var check = service.Verify(Join(Encoding.UTF8.GetBytes(forged), signature), out _);

        Assert.Equal(TokenCheck.BadSignature, check);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(31)]
    public void TamperedSignature_IsBadSignature(int index)
    {
        var service = Service();
        var (payload, signature) = Split(service.Issue(Claims()));
        signature[index] ^= 0x01;

        var check = service.Verify(Join(payload, signature), out _);

        Assert.Equal(TokenCheck.BadSignature, check);
    }

    [Fact]
    public void TruncatedSignature_IsBadSignature()
    {
        var service = Service();
        var (payload, signature) = Split(service.Issue(Claims()));

        var check = service.Verify(Join(payload, signature[..16]), out _);

        Assert.Equal(TokenCheck.BadSignature, check);
    }

    [Fact]
    public void TokenSignedWithAnotherKey_IsBadSignature()
    {
        var other = Service(key: Enumerable.Repeat((byte)7, 32).ToArray());

        var check = Service().Verify(other.Issue(Claims()), out var claims);

        Assert.Equal(TokenCheck.BadSignature, check);
        Assert.Null(claims);
    }

    [Fact]
    public void ClockPastExpiry_IsExpired()
    {
        var clock = new FakeTimeProvider(Now);
        var service = Service(clock);
        var token = service.Issue(Claims(life: TimeSpan.FromMinutes(10)));
        Assert.Equal(TokenCheck.Valid, service.Verify(token, out _));

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(TokenCheck.Valid, service.Verify(token, out _));

        clock.Advance(TimeSpan.FromMinutes(1));
        var check = service.Verify(token, out var claims);

        Assert.Equal(TokenCheck.Expired, check);
        Assert.Equal(10_000_042UL, claims?.UserId);
    }

    [Fact]
    public void TokenIssuedAlreadyExpired_IsExpired()
    {
        var service = Service();

        var check = service.Verify(service.Issue(Claims(life: TimeSpan.FromSeconds(-1))), out _);

        Assert.Equal(TokenCheck.Expired, check);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData(".")]
    [InlineData(".abc")]
    [InlineData("abc.")]
    [InlineData("!!!.???")]
    [InlineData("abc.d*e")]
    public void Garbage_IsMalformedOrBadSignature_NeverValid(string token)
    {
        var check = Service().Verify(token, out var claims);

        Assert.True(check is TokenCheck.Malformed or TokenCheck.BadSignature, $"got {check}");
        Assert.Null(claims);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData(".abc")]
    [InlineData("!!!.???")]
    public void GarbageThatCannotBeDecoded_IsMalformed(string token)
    {
        Assert.Equal(TokenCheck.Malformed, Service().Verify(token, out _));
    }

    [Fact]
    public void OverlongToken_IsMalformed()
    {
        var token = new string('A', 600) + "." + new string('A', 600);

        Assert.Equal(TokenCheck.Malformed, Service().Verify(token, out _));
    }

    [Theory]
    [InlineData("1|10000042|phone|a|b")]
    [InlineData("2|10000042|phone|a|b|1893553445")]
    [InlineData("2|not-a-number|phone|a|b|1893553445000|1893553445")]
    [InlineData("2|10000042|phone|a|b|1893553445000|soon")]
    [InlineData("2|10000042|phone|a|b|now|1893553445")]
    [InlineData("2|10000042|phone|a|b|1893553445000|1893553445|extra")]
    [InlineData("3|10000042|phone|a|b|1893553445000|1893553445")]
    [InlineData("2|10000042|phone|a|b|1893553445000|999999999999999")]
    [InlineData("2|10000042|phone|a|b|-999999999999999999|1893553445")]
    public void CorrectlySignedButBadPayload_IsMalformed(string payload)
    {
        var check = Service().Verify(Sign(payload), out var claims);

        Assert.Equal(TokenCheck.Malformed, check);
        Assert.Null(claims);
    }

    [Fact]
    public void IssueTime_IsTheSigningClocksTime_ToTheMillisecond()
    {
        var clock = new FakeTimeProvider(Now + TimeSpan.FromMilliseconds(123.9));
        var service = Service(clock);

        service.Verify(service.Issue(Claims() with { IssuedAt = Now - TimeSpan.FromDays(3) }), out var claims);

        Assert.Equal(Now + TimeSpan.FromMilliseconds(123), claims?.IssuedAt);
    }

    [Fact]
    public void OlderThanMaxAge_IsTooOld_EvenWithAFarExpiry()
    {
        var clock = new FakeTimeProvider(Now);
        var service = new TokenService(Key, clock, TimeSpan.FromHours(24));
        var token = service.Issue(Claims(life: DateTimeOffset.MaxValue - Now - TimeSpan.FromDays(1)));

        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(TokenCheck.Valid, service.Verify(token, out _));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var check = service.Verify(token, out var claims);

        Assert.Equal(TokenCheck.TooOld, check);
        Assert.Equal(Now, claims?.IssuedAt);
        Assert.Equal(9999, claims?.ExpiresAt.Year);
    }

    [Fact]
    public void ForgedYear9999Expiry_WithAnOldIssueTime_IsTooOld()
    {
        var issued = (Now - TimeSpan.FromDays(400)).ToUnixTimeMilliseconds();
        var token = Sign($"2|10000042|phone|a|b|{issued}|253402300799");

        Assert.Equal(TokenCheck.TooOld, Service().Verify(token, out _));
    }

    [Fact]
    public void MaxAge_DefaultsToTheDefaultSetting()
    {
        Assert.Equal(TimeSpan.FromHours(TokenOptions.DefaultMaxAgeHours), Service().MaxAge);
    }

    [Fact]
    public void IssuedInTheFuture_BeyondTheClockSkew_IsRefused()
    {
        var ahead = new FakeTimeProvider(Now + TokenService.ClockSkew + TimeSpan.FromMilliseconds(1));
        var token = Service(ahead).Issue(Claims(life: TimeSpan.FromHours(2)));

        Assert.Equal(TokenCheck.IssuedInFuture, Service().Verify(token, out var claims));
        Assert.NotNull(claims);
    }

    [Fact]
    public void IssuedInTheFuture_WithinTheClockSkew_IsValid()
    {
        var ahead = new FakeTimeProvider(Now + TokenService.ClockSkew);
        var token = Service(ahead).Issue(Claims(life: TimeSpan.FromHours(2)));

        Assert.Equal(TokenCheck.Valid, Service().Verify(token, out _));
    }

    [Fact]
    public void FormatVersion1Token_IsMalformed()
    {
        // A correctly signed token of the previous format, far from expiry: it has no issue time.
        var token = Sign($"1|10000042|phone|a|b|{(Now + TimeSpan.FromHours(1)).ToUnixTimeSeconds()}");

        Assert.Equal(TokenCheck.Malformed, Service().Verify(token, out var claims));
        Assert.Null(claims);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has|pipe")]
    [InlineData("has space")]
    [InlineData("ünicode")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void BadDeviceId_IsRejectedOnIssue(string device)
    {
        Assert.Throws<ArgumentException>(() => Service().Issue(Claims(device)));
    }

    [Fact]
    public void ShortKey_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new TokenService(new byte[31]));
    }

    private static string Sign(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Join(bytes, HMACSHA256.HashData(Key, bytes));
    }

    private static (byte[] Payload, byte[] Signature) Split(string token)
    {
        var dot = token.IndexOf('.');
        return (Base64Url.DecodeFromChars(token.AsSpan(0, dot)), Base64Url.DecodeFromChars(token.AsSpan(dot + 1)));
    }

    private static string Join(byte[] payload, byte[] signature) =>
        Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(signature);
}
