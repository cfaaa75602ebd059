using System.Globalization;
using System.Net;
using Grpc.Core;
using ImCells.Server.Hosting;
using ImCells.Server.Observability;

namespace ImCells.Login;

/// <summary>
/// The per source address limits of this login server (Login:Source* settings): one bucket per
/// address for logins, one for registrations, one for look-ups. Each login server counts on its own; the per-number
/// count that holds across the cluster is at the home cell. The address is the TCP peer's: behind a
/// proxy every client shares the proxy's address (no forwarded-for header is trusted).
/// </summary>
internal sealed partial class SourceLimits(LoginOptions options, TimeProvider time, ILogger<SourceLimits> logger)
{
    private readonly SourceRateLimiter _logins = new(options.SourceLoginsPerMinute / 60.0, options.SourceLoginBurst, options.MaxSources, time);
    private readonly SourceRateLimiter _registrations = new(options.SourceRegistrationsPerHour / 3600.0, options.SourceRegistrationBurst, options.MaxSources, time);
    private readonly SourceRateLimiter _lookups = new(options.SourceLookupsPerMinute / 60.0, options.SourceLookupBurst, options.MaxSources, time);
    private readonly LogThrottle<IPAddress> _logThrottle = new(TimeSpan.FromMinutes(1));

    /// <summary>Takes a login's token for the caller's address, or refuses with RESOURCE_EXHAUSTED.</summary>
    public void TakeLogin(ServerCallContext context) => Take(_logins, "logins", context);

    /// <summary>Takes a registration's token for the caller's address, or refuses with RESOURCE_EXHAUSTED.</summary>
    public void TakeRegistration(ServerCallContext context) => Take(_registrations, "registrations", context);

    /// <summary>Takes a look-up's (Where, Status) token for the caller's address, or refuses with RESOURCE_EXHAUSTED.</summary>
    public void TakeLookup(ServerCallContext context) => Take(_lookups, "look-ups", context);

    private void Take(SourceRateLimiter limiter, string what, ServerCallContext context)
    {
        var source = context.GetHttpContext().Connection.RemoteIpAddress;
        if (limiter.TryTake(source, out var retryAfter))
        {
            return;
        }

        LoginMetrics.SourceLimited(what);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var address = SourceRateLimiter.Key(source).ToString();
        if (_logThrottle.Allow(SourceRateLimiter.Key(source)))
        {
            SourceLimited(logger, what, address);
        }

        throw new RpcException(new Status(StatusCode.ResourceExhausted,
            $"too many {what} from {address}; try again in {seconds.ToString(CultureInfo.InvariantCulture)} s"));
    }

    [LoggerMessage(1, LogLevel.Warning, "Refusing {What} from {Source}: over its per-source limit (logged once a minute per source)")]
    private static partial void SourceLimited(ILogger logger, string what, string source);
}
