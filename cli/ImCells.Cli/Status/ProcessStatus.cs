using System.Diagnostics;
using ImCells.Cli.Admin;
using ImCells.Cli.Up;

namespace ImCells.Cli.Status;

/// <summary>One process of `up` as `status` found it: how it answers, and its figures when its admin endpoint gives them.</summary>
internal sealed record ProcessStatus(
    UpProcess Process,
    Answer Answer,
    int? Pid,
    DateTimeOffset? StartedAt,
    double? Connections,
    double? MessagesPerSecond,
    double? Outbox,
    string? Note)
{
    /// <summary>The gap between the two /metrics scrapes that messages/s is measured over.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    public const string ReceivedTotal = "imcells_messages_received_total";
    public const string ConnectionsGauge = "imcells_chat_connections";
    public const string OutboxDepth = "imcells_outbox_depth";

    /// <summary>Asks every process at once; scrapes /metrics twice, <see cref="RateWindow"/> apart, for messages/s.</summary>
    public static async Task<IReadOnlyList<ProcessStatus>> ScrapeAsync(IReadOnlyList<UpProcess> processes, CancellationToken ct)
    {
        using var admin = new AdminClient();
        var first = await Task.WhenAll(processes.Select(p => FirstLookAsync(admin, p, ct)));
        var clock = Stopwatch.StartNew();
        if (first.Any(f => f.Metrics is not null))
        {
            await Task.Delay(RateWindow, ct);
        }

        return await Task.WhenAll(first.Select(async f =>
        {
            if (f.Metrics is null)
            {
                return f.Status;
            }

            var second = await admin.MetricsAsync(f.Status.Process.Admin, ct);
            var rate = second?.Sum(ReceivedTotal) is { } after && f.Metrics.Sum(ReceivedTotal) is { } before
                ? Math.Max(0, after - before) / clock.Elapsed.TotalSeconds
                : (double?)null;
            var latest = second ?? f.Metrics;
            return f.Status with { Connections = latest.Sum(ConnectionsGauge), MessagesPerSecond = rate, Outbox = latest.Sum(OutboxDepth) };
        }));
    }

    /// <summary>True when this process counts as healthy for the exit code.</summary>
    public bool Healthy => Answering.Healthy(Answer);

    private static async Task<(ProcessStatus Status, PrometheusText? Metrics)> FirstLookAsync(AdminClient admin, UpProcess process, CancellationToken ct)
    {
        var empty = new ProcessStatus(process, Answer.Down, null, null, null, null, null, null);
        if (!PidAlive(process.Pid))
        {
            return (empty with { Note = $"pid {process.Pid} is gone" }, null);
        }

        var (answer, body) = await Answering.AskAsync(admin, process.Admin, process.Endpoints.Values.SelectMany(v => v.Split(',')), ct);
        var status = empty with { Answer = answer, Pid = process.Pid, StartedAt = process.StartedAt };
        if (body is null)
        {
            // No admin endpoint: what TCP says is all there is.
            return (status with { Note = answer == Answer.Down ? "not accepting connections" : "no admin endpoint" }, null);
        }

        if (await admin.InfoAsync(process.Admin, ct) is { } info)
        {
            status = status with { Pid = info.Pid ?? status.Pid, StartedAt = info.StartedAt ?? status.StartedAt };
        }

        var failing = body.Failing().ToList();
        status = status with { Note = failing.Count > 0 ? string.Join(" ", failing) : null };
        return (status, await admin.MetricsAsync(process.Admin, ct));
    }

    /// <summary>Whether <paramref name="pid"/> runs (a zombie, dead but not yet reaped, does not).</summary>
    private static bool PidAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S ...": the state follows the last ')'.
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
