using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>Entry point shared by `imcells bench ...` and `dotnet ImCells.Bench.dll ...`.</summary>
public static class BenchCommand
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal)
    {
        "closed-loop", "find-max", BenchReport.GateFlag, BenchReport.JsonOnlyFlag, BenchCluster.AllowSlowRegistrationFlag,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            return PrintHelp(args);
        }

        var kind = args[0];
        if (BenchUsage.AsksForHelp(args.Skip(1)) && kind != "_worker")
        {
            Console.Out.Write(BenchUsage.For(kind) ?? BenchUsage.Overview);
            return BenchUsage.For(kind) is null ? BenchExitCodes.Usage : BenchExitCodes.Completed;
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
            if (kind == "_worker")
            {
                return await HolderWorkerMain.RunAsync(options, cancel.Token);
            }

            var report = BenchReport.From(options);
            JsonObject result = kind switch
            {
                "connections" => await ConnectionsBench.RunAsync(options, cancel.Token),
                "chat" => await ChatBench.RunAsync(options, cancel.Token),
                "group" => await GroupBench.RunAsync(options, cancel.Token),
                "login" => await LoginBench.RunAsync(options, cancel.Token),
                "reconnect" => await ReconnectBench.RunAsync(options, cancel.Token),
                _ => throw BenchException.Usage($"unknown benchmark '{kind}' (one of {string.Join(", ", BenchUsage.Kinds)})"),
            };
            return report.Finish(kind, args, result, Console.Out);
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            if (e.IsUsage && BenchUsage.For(kind) is not null)
            {
                Console.Error.WriteLine($"(./imcells bench {kind} --help lists the options and their defaults)");
            }

            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("bench: stopped (Ctrl-C, SIGTERM or --timeout); no result");
            return BenchExitCodes.Stopped;
        }
        catch (Client.ImClientException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            return BenchExitCodes.Failed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    // `bench`, `bench --help`, `bench help [kind]`: asked for, to stdout with 0; nothing given is a usage error.
    private static int PrintHelp(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.Write(BenchUsage.Overview);
            return BenchExitCodes.Usage;
        }

        var kindHelp = args.Length > 1 ? BenchUsage.For(args[1]) : null;
        Console.Out.Write(kindHelp ?? BenchUsage.Overview);
        return BenchExitCodes.Completed;
    }
}
