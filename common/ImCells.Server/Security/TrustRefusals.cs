using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Security;

/// <summary>
/// Every call refused for who the caller is or what it claimed: counted per caller and method,
/// logged once per caller and method (a misbehaving peer repeats itself; the count says how often).
/// </summary>
public sealed partial class TrustRefusals(ILogger<TrustRefusals> logger)
{
    /// <summary>Distinct (caller, method) pairs kept; beyond it refusals are only counted in the total.</summary>
    private const int MaxKinds = 10_000;

    private readonly ConcurrentDictionary<(string Caller, string Method), long> _counts = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    /// <summary>Refusals so far by caller identity.</summary>
    public IReadOnlyDictionary<string, long> ByCaller() =>
        _counts.GroupBy(c => c.Key.Caller).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));

    /// <summary>Counts and logs a refusal of the current call and returns the exception to throw.</summary>
    public RpcException Refuse(ServerCallContext context, StatusCode code, string why)
    {
        var caller = context.Caller()?.ToString() ?? $"a caller without a cluster certificate ({context.Peer})";
        Interlocked.Increment(ref _total);
        if (_counts.Count < MaxKinds || _counts.ContainsKey((caller, context.Method)))
        {
            if (_counts.AddOrUpdate((caller, context.Method), 1, static (_, n) => n + 1) == 1)
            {
                Refused(logger, context.Method, caller, why);
            }
        }

        return new RpcException(new Status(code, why));
    }

    [LoggerMessage(1, LogLevel.Warning, "Refused {Method} from {Caller}: {Why} (further refusals of this caller and method are only counted)")]
    private static partial void Refused(ILogger logger, string method, string caller, string why);
}
