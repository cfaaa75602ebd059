using System.CommandLine;
using System.CommandLine.Help;
using ImCells.Client;
using ImCells.Topology;

namespace ImCells.Cli.CommandLine;

/// <summary>Parses, runs, and turns every failure into one line on stderr and an exit code.</summary>
internal static class CliRun
{
    /// <summary>System.CommandLine's words for a group command given without its subcommand (localized, so asked).</summary>
    private static readonly string NoSubcommand = OneLine(new RootCommand { new Command("sub") }.Parse([]).Errors.Single().Message);

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        // Bare `imcells` is asking what there is.
        var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            var messages = parsed.Errors.Select(e => OneLine(e.Message)).ToList();
            if (messages.All(m => m == NoSubcommand))
            {
                // `imcells group` alone: what it offers is the useful answer (exit 2: nothing was done).
                await root.Parse([.. CommandPath(parsed).Skip(1), "--help"]).InvokeAsync();
                return ExitCodes.Usage;
            }

            // "Required command was not provided" says nothing an unknown word does not say better.
            messages.RemoveAll(m => m == NoSubcommand);
            Console.Error.WriteLine($"imcells: {string.Join("; ", messages)} (see '{string.Join(' ', CommandPath(parsed))} --help')");
            return ExitCodes.Usage;
        }

        // Commands that run until stopped handle Ctrl-C and SIGTERM themselves (chat, up, recv --wait).
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        return await GuardAsync(() => parsed.InvokeAsync(invocation));
    }

    /// <summary>Runs a command body: the exit code it returns, or one line for the exception it throws.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"imcells: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (RefusedException e)
        {
            Console.Error.WriteLine($"imcells: refused: {e.Message}");
            return ExitCodes.Refused;
        }
        catch (Exception e) when (e is ImClientException or TimeoutException or TopologyException or CliException)
        {
            Console.Error.WriteLine($"imcells: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or HttpRequestException)
        {
            Console.Error.WriteLine($"imcells: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            // Still one line: a stack trace helps nobody at a prompt; the type says where to look.
            Console.Error.WriteLine($"imcells: internal error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.Internal;
        }
    }

    /// <summary>
    /// A parse error on one line (the list of allowed values comes one per line otherwise), without
    /// the closing full stop, since several are joined with "; ".
    /// </summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    /// <summary>["imcells", "group", "add"] for an error in `imcells group add ...`.</summary>
    private static List<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "imcells" : result.Command.Name);
        }

        names.Reverse();
        return names;
    }
}
