using System.Diagnostics.Metrics;

namespace ImCells.Server.Observability;

/// <summary>The login server (meter "ImCells.Login"): imcells_login_logins_total, imcells_login_rate_limited_total.</summary>
public static class LoginMetrics
{
    public const string MeterName = "ImCells.Login";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Logins = Meter.CreateCounter<long>(
        "logins_total", "{login}", "Logins answered, by result (ok, refused, locked)");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "rate_limited_total", "{request}", "Requests refused by a per-source limit, by kind (logins, registrations, look-ups)");

    private static readonly KeyValuePair<string, object?> Ok = new("result", "ok");
    private static readonly KeyValuePair<string, object?> Refused = new("result", "refused");
    private static readonly KeyValuePair<string, object?> Locked = new("result", "locked");

    public static void LoginOk() => Logins.Add(1, Ok);

    public static void LoginRefused() => Logins.Add(1, Refused);

    public static void LoginLocked() => Logins.Add(1, Locked);

    /// <param name="kind">A constant ("logins", ...): the tag is made per refusal, which is off the normal path.</param>
    public static void SourceLimited(string kind) => RateLimited.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
