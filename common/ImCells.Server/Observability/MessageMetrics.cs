using System.Diagnostics.Metrics;

namespace ImCells.Server.Observability;

/// <summary>
/// Messages through this process's client connections (meter "ImCells.Messages"):
/// imcells_messages_received_total and imcells_messages_delivered_total.
/// </summary>
public static class MessageMetrics
{
    public const string MeterName = "ImCells.Messages";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Received = Meter.CreateCounter<long>(
        "received_total", "{message}", "Messages accepted from clients (direct and group sends answered with an ack)");

    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>(
        "delivered_total", "{message}", "Messages queued to a client connection of this process (direct and group)");

    public static void MessageReceived() => Received.Add(1);

    public static void MessageDelivered() => Delivered.Add(1);
}
