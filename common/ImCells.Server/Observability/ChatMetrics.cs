using System.Diagnostics.Metrics;
using System.Reflection;
using Google.Protobuf.Reflection;
using ImCells.Protos.Client;

namespace ImCells.Server.Observability;

/// <summary>
/// Client connections of a cell or chat server (meter "ImCells.Chat"). Static: a process is one
/// server, and the hot paths (every frame) reach the instruments without anything passed in.
/// Prometheus names are "imcells_chat_" + the instrument name (see <see cref="MetricsExport"/>).
/// </summary>
public static class ChatMetrics
{
    public const string MeterName = "ImCells.Chat";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>The open client connections of this process: each chat listener adds its count at start.</summary>
    public static readonly ObservedSources<int> ConnectionSources = new();

    private static readonly ObservableGauge<int> Connections = Meter.CreateObservableGauge(
        "connections", ConnectionSources.Collect, "{connection}", "Open client connections (authenticated) of this process");

    private static readonly Counter<long> Authentications = Meter.CreateCounter<long>(
        "auth_total", "{connection}", "Auth frames answered, by result (ok, refused)");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "rate_limited_total", "{request}", "Requests refused for passing Chat:MaxRequestsPerSecond");

    private static readonly Counter<long> SlowReaders = Meter.CreateCounter<long>(
        "slow_readers_dropped_total", "{connection}", "Connections closed because the client did not read what it was sent");

    private static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "errors_total", "{frame}", "Error frames sent to clients, by code");

    private static readonly KeyValuePair<string, object?> AuthOk = new("result", "ok");
    private static readonly KeyValuePair<string, object?> AuthRefused = new("result", "refused");

    /// <summary>One tag per error code, built once, indexed by the code's number: counting allocates nothing.</summary>
    private static readonly KeyValuePair<string, object?>[] CodeTags = BuildCodeTags();

    public static void Authenticated(bool ok) => Authentications.Add(1, ok ? AuthOk : AuthRefused);

    public static void RequestRateLimited() => RateLimited.Add(1);

    public static void SlowReaderDropped() => SlowReaders.Add(1);

    public static void ErrorSent(ErrorCode code)
    {
        var index = (int)code;
        Errors.Add(1, (uint)index < (uint)CodeTags.Length ? CodeTags[index] : new KeyValuePair<string, object?>("code", index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>The wire names ("RATE_LIMITED"), as the protocol documents them.</summary>
    private static KeyValuePair<string, object?>[] BuildCodeTags()
    {
        var codes = Enum.GetValues<ErrorCode>();
        var tags = new KeyValuePair<string, object?>[codes.Max(c => (int)c) + 1];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = new("code", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var code in codes)
        {
            var name = typeof(ErrorCode).GetField(code.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? code.ToString();
            tags[(int)code] = new("code", name);
        }

        return tags;
    }
}
