namespace ImCells.Bench;

/// <summary>Entry point shared by `imcells bench ...` and `dotnet ImCells.Bench.dll ...`.</summary>
public static class BenchCommand
{
    private const string Usage = """
        usage: imcells bench <benchmark> [options]
          connections --count N [--processes P] [--hold SECONDS] [--cell ID] [--addresses A] [--concurrency K]
          chat --users N --mode same-cell|cross-cell (--rate R | --closed-loop | --find-max) --seconds D
               [--start-rate 500] [--step-factor 1.5] [--max-steps 20] [--p99-limit-ms 50] [--grace 5] [--text-bytes 64]
          group --members N [--online K] [--senders M] [--rate R | --closed-loop] [--seconds D] [--drain S] [--cells a,b]
               one group of N pool users homed round robin in the cells (default: topology.json's user cells), created
               by a member of the first cell; K of them connect (default min(N, 1000)), M of them post (default 10) at
               R messages/s in all (default 100) or one at a time each; then up to S s (default 10) for the deliveries.
               Reports send -> device latency, deliveries, lost (checked by group_sync: not pushed or not stored),
               duplicates, out of order, a fan-out probe (one message, until the last online member has it), CPU per cell.
          login --count N [--concurrency C] [--cell ID] [--iterations-note N]
          reconnect --count N [--storm-concurrency K] [--tls-name NAME] [--processes P] [--cell ID] [--addresses A] [--concurrency K]
               N devices log in once and connect; the bench closes every socket (the cell keeps running), then all
               reconnect at once with their tokens and Sync: seconds until all online and synced, per-device steps.
               --tls-name sends that TLS server name instead of the IP, which lets .NET resume the TLS session.
        common: --login URL (default: topology.json's login server), --pool NAME (a separate user file),
                --timeout SECONDS (the whole run; default 900 plus the hold),
                --pki DIR (default data/pki: its operator-admin certificate asks a cell for its status after
                a forced GC, over mutual TLS), --ca FILE (the CA that https:// login and tls:// chat servers
                must chain to; default ca.crt of the PKI directory when it exists)
        The result is one JSON line on stdout, also appended to data/bench-results.jsonl; progress goes to stderr.
        """;

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "closed-loop", "find-max" };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Error.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                cancel.Cancel();
            });
        try
        {
            var options = new BenchArgs(args.Skip(1), Flags);
            var timeout = options.Int("timeout", 900 + options.Int("hold", 10, min: 0), min: 1);
            cancel.CancelAfter(TimeSpan.FromSeconds(timeout));
            return args[0] switch
            {
                "connections" => await ConnectionsBench.RunAsync(args, options, cancel.Token),
                "chat" => await ChatBench.RunAsync(args, options, cancel.Token),
                "group" => await GroupBench.RunAsync(args, options, cancel.Token),
                "login" => await LoginBench.RunAsync(args, options, cancel.Token),
                "reconnect" => await ReconnectBench.RunAsync(args, options, cancel.Token),
                "_worker" => await HolderWorkerMain.RunAsync(options, cancel.Token),
                _ => throw new BenchException($"unknown benchmark '{args[0]}'"),
            };
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("bench: stopped (Ctrl-C, SIGTERM or --timeout); no result");
            return 130;
        }
        catch (Client.ImClientException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
