using ImCells.Cli.Admin;
using ImCells.Cli.Status;

namespace ImCells.Unit.Tests.Cli;

/// <summary>What `status` and `up` read from a server's admin endpoint: /readyz, /info, /metrics.</summary>
public sealed class AdminBodiesTests
{
    private const string Metrics = """
        # HELP imcells_chat_connections Open client connections.
        # TYPE imcells_chat_connections gauge
        imcells_chat_connections 42
        # HELP imcells_messages_received_total Messages received from clients.
        # TYPE imcells_messages_received_total counter
        imcells_messages_received_total 1.5e3
        imcells_messages_delivered_total 1490
        # TYPE imcells_outbox_depth gauge
        imcells_outbox_depth{target_cell="b"} 7
        imcells_outbox_depth{target_cell="c",note="a \"quoted\" label, with comma"} 3
        imcells_outbox_oldest_age_seconds{target_cell="b"} 12.25 1700000000000
        process_open_handles NaN
        garbage line without a value
        """;

    [Fact]
    public void Prometheus_SumsEveryLabelSetOfAName()
    {
        var text = PrometheusText.Parse(Metrics);

        Assert.Equal(42, text.Sum(ProcessStatus.ConnectionsGauge));
        Assert.Equal(1500, text.Sum(ProcessStatus.ReceivedTotal));
        Assert.Equal(10, text.Sum(ProcessStatus.OutboxDepth));
        Assert.Equal(12.25, text.Sum("imcells_outbox_oldest_age_seconds"));
        Assert.Null(text.Sum("imcells_not_there"));
    }

    [Fact]
    public void Prometheus_ReadsLabelsWithEscapesAndCommas()
    {
        var sample = PrometheusText.Parse(Metrics).Samples.Single(s => s.Labels.GetValueOrDefault("target_cell") == "c");

        Assert.Equal("a \"quoted\" label, with comma", sample.Labels["note"]);
        Assert.Equal(3, sample.Value);
    }

    [Fact]
    public void Prometheus_CrLfAndEmpty_AreFine()
    {
        Assert.Equal(5, PrometheusText.Parse("a 2\r\na{x=\"1\"} 3\r\n").Sum("a"));
        Assert.Empty(PrometheusText.Parse("").Samples);
    }

    [Theory]
    [InlineData("""{"status":"Healthy","checks":{"database":"Healthy","master":"Healthy"}}""", "Healthy", "")]
    [InlineData("""{"status":"Degraded","checks":{"database":"Healthy","outbox":"Degraded"}}""", "Degraded", "outbox=Degraded")]
    [InlineData("""{"status":"Unhealthy","checks":{"database":{"status":"Unhealthy","description":"locked"}}}""", "Unhealthy", "database=Unhealthy")]
    [InlineData("not json", "Unknown", "")]
    public void Readyz_StatusAndFailingChecks(string body, string status, string failing)
    {
        var parsed = ReadyzBody.Parse(body);

        Assert.Equal(status, parsed.Status);
        Assert.Equal(failing, string.Join(" ", parsed.Failing()));
    }

    [Fact]
    public void Info_ReadsEveryField()
    {
        var info = InfoBody.Parse("""{"name":"cell a","role":"cell","cell":"a","pid":4242,"startedAt":"2026-12-02T07:00:00Z","version":"1.2.3"}""");

        Assert.NotNull(info);
        Assert.Equal(("cell a", "cell", "a", 4242, "1.2.3"), (info.Name, info.Role, info.Cell, info.Pid, info.Version));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero), info.StartedAt);
        Assert.Null(InfoBody.Parse("[1,2]"));
    }
}
