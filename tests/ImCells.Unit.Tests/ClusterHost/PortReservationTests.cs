using System.Net;
using System.Net.Sockets;
using ImCells.ClusterHost;

namespace ImCells.Unit.Tests.ClusterHost;

public sealed class PortReservationTests
{
    [Fact]
    public void Reserve_PortsAreDistinctOutsideEphemeralRangeAndBindable()
    {
        using var reservation = PortReservation.Reserve(8);

        Assert.Equal(8, reservation.Ports.Distinct().Count());
        Assert.All(reservation.Ports, p => Assert.InRange(p, PortReservation.First, PortReservation.Last));
        Assert.All(reservation.Ports, p => Assert.Contains(p, PortReservation.Candidates()));
        foreach (var port in reservation.Ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void TwoReservationsAtOnce_NeverShareAPort()
    {
        // The second reservation runs into the first one's lock files, as another test process would.
        using var first = PortReservation.Reserve(50);
        using var second = PortReservation.Reserve(50);

        Assert.Empty(first.Ports.Intersect(second.Ports));
    }

    [Fact]
    public void Disposed_PortCanBeReservedAgain()
    {
        int port;
        using (var reservation = PortReservation.Reserve(1))
        {
            port = reservation[0];
            Assert.False(CanLock(port), $"port {port} is reserved but its lock file is free");
        }

        Assert.True(CanLock(port));
    }

    [Fact]
    public void PortWithListener_Skipped()
    {
        using var two = PortReservation.Reserve(2);
        var (busy, free) = (two[0], two[1]);
        using var listener = new TcpListener(IPAddress.Loopback, busy);
        listener.Start();
        two.Dispose();

        // Both locks are free again, but somebody listens on one port: only the other is handed out.
        using var again = PortReservation.Reserve(1, [busy, free]);
        Assert.Equal([free], again.Ports);
        Assert.Throws<InvalidOperationException>(() => PortReservation.Reserve(1, [busy]));
    }

    private static bool CanLock(int port)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(PortReservation.LockDirectory, $"{port}.lock"),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
