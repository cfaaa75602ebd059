using System.Globalization;
using System.IO.Pipelines;
using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Protos;
using ImCells.Protos.Client;
using Microsoft.Extensions.Logging.Abstractions;

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

        // As the chat listener runs them: one set of auth and heartbeat timeouts for all sessions.
        using var timeouts = new ConnectionTimeouts(TimeProvider.System, options.AuthTimeout, options.IdleTimeout);
        baseline = Measure();
        var clients = new List<IdleClient>(count);
        for (var i = 0; i < count; i++)
        {
            clients.Add(IdleClient.Start(backend, options, 10_000_000UL + (ulong)i, timeouts));
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

    /// <summary>
    /// An authenticated session over in-memory pipes, as <see cref="InMemoryClient"/> makes one, but
    /// sharing the listener's timeouts.
    /// </summary>
    private sealed class IdleClient
    {
        private readonly Pipe _toServer = new(new PipeOptions(useSynchronizationContext: false));
        private readonly Pipe _toClient = new(new PipeOptions(useSynchronizationContext: false));
        private readonly CancellationTokenSource _closed = new();
        private Task _session = Task.CompletedTask;

        public static IdleClient Start(FakeBackend backend, ChatOptions options, ulong userId, ConnectionTimeouts timeouts)
        {
            var client = new IdleClient();
            var session = new ChatSession(new DuplexPipe(client._toServer.Reader, client._toClient.Writer), backend, options,
                TimeProvider.System, NullLogger.Instance, $"bench-{userId}", "memory", timeouts: timeouts);
            client._session = session.RunAsync(client._closed.Token);
            FrameCodec.Write(client._toServer.Writer, new Frame { Seq = 1, Auth = new Auth { Token = userId.ToString(CultureInfo.InvariantCulture) } });
            client._toServer.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            var authOk = client.ReadFrame();
            return authOk.BodyCase == Frame.BodyOneofCase.AuthOk ? client : throw new InvalidOperationException($"expected AuthOk, got {authOk}");
        }

        public void Stop()
        {
            _closed.Cancel();
            _toServer.Writer.Complete();
            _session.Wait(TimeSpan.FromSeconds(5));
        }

        private Frame ReadFrame()
        {
            var reader = _toClient.Reader;
            while (true)
            {
                var result = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
                var buffer = result.Buffer;
                if (FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var frame) == FrameReadStatus.Frame)
                {
                    reader.AdvanceTo(buffer.Start);
                    return frame!;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new InvalidOperationException("session closed");
                }
            }
        }
    }
}
