using System.Diagnostics.Metrics;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using ImCells.Registry.Vlr;
using ImCells.Server.Observability;
using Prometheus;

namespace ImCells.Unit.Tests.Observability;

/// <summary>
/// The Prometheus names other tools read (`imcells status`, `imcells up`, the Grafana dashboard):
/// each instrument is recorded once, then exported by prometheus-net's MeterAdapter with the
/// options the servers use, and the text is read back as a scrape would.
/// </summary>
public sealed class MetricNamesTests
{
    [Fact]
    public async Task EveryInstrument_ExportsItsDocumentedName()
    {
        var text = await ScrapeAfterRecordingAsync();

        foreach (var (name, type) in new[]
        {
            ("imcells_chat_connections", "gauge"),
            ("imcells_chat_auth_total", "gauge"),
            ("imcells_chat_rate_limited_total", "gauge"),
            ("imcells_chat_slow_readers_dropped_total", "gauge"),
            ("imcells_chat_errors_total", "gauge"),
            ("imcells_messages_received_total", "gauge"),
            ("imcells_messages_delivered_total", "gauge"),
            ("imcells_send_ack_latency_seconds", "histogram"),
            ("imcells_store_commit_batch_size", "histogram"),
            ("imcells_store_commit_duration_seconds", "histogram"),
            ("imcells_outbox_depth", "gauge"),
            ("imcells_outbox_oldest_age_seconds", "gauge"),
            ("imcells_presence_notifications_total", "gauge"),
            ("imcells_vlr_hits_total", "gauge"),
            ("imcells_vlr_misses_total", "gauge"),
            ("imcells_login_logins_total", "gauge"),
            ("imcells_login_rate_limited_total", "gauge"),
            ("imcells_readiness_status", "gauge"),
        })
        {
            Assert.Contains($"# TYPE {name} {type}\n", text);
        }
    }

    [Fact]
    public async Task Histograms_HaveBucketSumAndCount_AndLabelsAreTheTags()
    {
        var text = await ScrapeAfterRecordingAsync();

        Assert.Contains("imcells_send_ack_latency_seconds_bucket{le=\"0.0005\"}", text);
        Assert.Contains("imcells_send_ack_latency_seconds_bucket{le=\"+Inf\"}", text);
        Assert.Contains("imcells_send_ack_latency_seconds_sum ", text);
        Assert.Contains("imcells_send_ack_latency_seconds_count ", text);
        Assert.Contains("imcells_store_commit_batch_size_bucket{le=\"256\"}", text);
        Assert.Contains("imcells_outbox_depth{target_cell=\"zz\"} 7", text);
        Assert.Contains("imcells_chat_errors_total{code=\"RATE_LIMITED\"}", text);
        Assert.Contains("imcells_login_logins_total{result=\"ok\"}", text);
        Assert.Contains("imcells_readiness_status{check=\"overall\"} 2", text);
    }

    /// <summary>Records every instrument and exports the ImCells meters into a registry of the test's own.</summary>
    private static async Task<string> ScrapeAfterRecordingAsync()
    {
        var registry = Metrics.NewCustomRegistry();
        using var adapter = MeterAdapter.StartListening(MetricsExport.Options(registry));
        using var connections = ChatMetrics.ConnectionSources.Add(() => [new Measurement<int>(3)]);
        using var depth = OutboxMetrics.DepthSources.Add(() => [new Measurement<long>(7, new KeyValuePair<string, object?>(OutboxMetrics.TargetTag, "zz"))]);
        using var ready = ReadinessMetrics.Sources.Add(() => [new Measurement<int>(2, new KeyValuePair<string, object?>("check", ReadinessMetrics.Overall))]);
        using var age = OutboxMetrics.OldestAgeSources.Add(() => [new Measurement<double>(1.5, new KeyValuePair<string, object?>(OutboxMetrics.TargetTag, "zz"))]);

        ChatMetrics.Authenticated(ok: true);
        ChatMetrics.RequestRateLimited();
        ChatMetrics.SlowReaderDropped();
        ChatMetrics.ErrorSent(ErrorCode.RateLimited);
        MessageMetrics.MessageReceived();
        MessageMetrics.MessageDelivered();
        SendMetrics.Acked(System.Diagnostics.Stopwatch.GetTimestamp());
        StoreMetrics.Committed(3, System.Diagnostics.Stopwatch.GetTimestamp());
        PresenceMetrics.NotificationQueued();
        VlrMetrics.Lookup(hit: true);
        VlrMetrics.Lookup(hit: false);
        LoginMetrics.LoginOk();
        LoginMetrics.SourceLimited("logins");

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
