namespace ImCells.Server.Hosting;

/// <summary>Every network wait has a bound; these are the defaults between our own processes.</summary>
public static class Deadlines
{
    /// <summary>A call to another cell or the master that should answer at once.</summary>
    public static DateTime Short => DateTime.UtcNow.AddSeconds(3);

    /// <summary>A call that does real work on the other side (a password hash, a batch of deliveries).</summary>
    public static DateTime Work => DateTime.UtcNow.AddSeconds(10);
}
