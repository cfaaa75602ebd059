using System.Globalization;
using System.IO.Pipelines;
using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;

namespace ImCells.Benchmarks;

/// <summary>
/// "idle-sessions N": the managed bytes one idle authenticated <see cref="ChatSession"/> keeps,
/// without Kestrel or sockets. N sessions over in-memory pipes, a full GC before and after; the
/// same number of bare pipe pairs is measured alone so the session's own share can be told apart.
/// </summary>
internal static class IdleSessionProbe
{
    public static int Run(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var options = new ChatOptions();
        var registry = new SessionRegistry();
        var backend = new FakeBackend(registry, new Notifier(registry));

        var baseline = Measure();
        var pipes = Enumerable.Range(0, count).Select(_ => (new Pipe(), new Pipe())).ToList();
        var pipesOnly = Measure() - baseline;
        GC.KeepAlive(pipes);
        pipes = null;

        baseline = Measure();
        var clients = new List<InMemoryClient>(count);
        for (var i = 0; i < count; i++)
        {
            clients.Add(InMemoryClient.Start(backend, options, 10_000_000UL + (ulong)i));
        }

        var sessions = Measure() - baseline;
        Console.WriteLine($"idle authenticated sessions: {count}");
        Console.WriteLine($"  managed bytes per session incl. its two in-memory pipes: {sessions / count}");
        Console.WriteLine($"  managed bytes per bare pipe pair (new Pipe() x2):         {pipesOnly / count}");
        Console.WriteLine($"  managed bytes per session without the pipes:              {(sessions - pipesOnly) / count}");
        Console.WriteLine($"  registry: {registry.Connections} connections");
        foreach (var client in clients)
        {
            client.Stop();
        }

        return 0;
    }

    private static long Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
