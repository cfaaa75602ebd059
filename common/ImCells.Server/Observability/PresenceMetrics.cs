using System.Diagnostics.Metrics;

namespace ImCells.Server.Observability;

/// <summary>Presence fan-out (meter "ImCells.Presence"): imcells_presence_notifications_total.</summary>
public static class PresenceMetrics
{
    public const string MeterName = "ImCells.Presence";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Notifications = Meter.CreateCounter<long>(
        "notifications_total", "{frame}", "Presence changes queued to watching client connections of this process");

    public static void NotificationQueued() => Notifications.Add(1);
}
