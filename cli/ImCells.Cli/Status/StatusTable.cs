using System.Globalization;
using ImCells.Cli.Admin;

namespace ImCells.Cli.Status;

/// <summary>The process table of `imcells status`: one aligned row per process of `up`.</summary>
internal static class StatusTable
{
    public static readonly string[] Columns = ["NAME", "HEALTH", "PID", "UPTIME", "RESTARTS", "CONN", "MSG/S", "OUTBOX", "ADMIN", "NOTE"];

    public static IReadOnlyList<string> Format(IReadOnlyList<ProcessStatus> rows, DateTimeOffset now)
    {
        var cells = new List<string[]> { Columns };
        cells.AddRange(rows.Select(r => new[]
        {
            r.Process.Name,
            Health(r.Answer),
            r.Answer == Answer.Down || r.Pid is null ? "-" : r.Pid.Value.ToString(CultureInfo.InvariantCulture),
            r.Answer == Answer.Down || r.StartedAt is null ? "-" : Uptime(now - r.StartedAt.Value),
            r.Process.Restarts.ToString(CultureInfo.InvariantCulture),
            Number(r.Connections, "0"),
            Number(r.MessagesPerSecond, "0.0"),
            Number(r.Outbox, "0"),
            r.Process.Admin,
            r.Note ?? "",
        }));
        var widths = Enumerable.Range(0, Columns.Length).Select(i => cells.Max(c => c[i].Length)).ToArray();
        return [.. cells.Select(c => string.Join("  ", c.Select((v, i) => i == c.Length - 1 ? v : v.PadRight(widths[i]))).TrimEnd())];
    }

    /// <summary>ready, degraded, not-ready, listening (no admin endpoint, its ports accept), down.</summary>
    public static string Health(Answer answer) => answer switch
    {
        Answer.Ready => "ready",
        Answer.Degraded => "degraded",
        Answer.NotReady => "not-ready",
        Answer.Listening => "listening",
        _ => "down",
    };

    public static string Uptime(TimeSpan t) => t.TotalSeconds < 0 ? "0s"
        : t.TotalHours >= 24 ? $"{(int)t.TotalDays}d{t.Hours:00}h"
        : t.TotalMinutes >= 60 ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : t.TotalSeconds >= 60 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s"
        : $"{(int)t.TotalSeconds}s";

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
