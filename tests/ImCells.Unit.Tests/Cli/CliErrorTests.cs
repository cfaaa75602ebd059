using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Unit.Tests.Cli;

/// <summary>Whatever is wrong with a command line, imcells says so in one line and exits 2, without a stack trace.</summary>
public sealed class CliErrorTests
{
    private static readonly string[] User = ["--user", "10000001", "--password", "pw", "--login", "http://127.0.0.1:1"];

    public static TheoryData<string[]> BadLines() => new()
    {
        { ["frobnicate"] },
        { ["group", "frobnicate"] },
        { ["send", .. User, "--text", "hi"] },
        { ["send", .. User, "--peer", "2", "--to", "3", "--text", "hi"] },
        { ["send", .. User, "--peer", "2", "--text", "hi", "--bogus"] },
        { ["send", .. User, "--peer", "x", "--text", "hi"] },
        { ["send", .. User, "--peer", "2", "--text", "hi", "--at", "tomorrow"] },
        { ["send", "--user", "1", "--password", "pw", "--peer", "2", "--text", "hi", "--login", "notaurl"] },
        { ["send", "--user", "1", "--password", "pw", "--peer", "2", "--text", "hi", "--login", "ftp://x:1"] },
        { ["send", .. User, "--peer", "2", "--text", "hi", "--ca", "/nonexistent/ca.crt"] },
        { ["privacy", .. User, "--only-friends", "maybe"] },
        { ["presence", .. User, "sideways"] },
        { ["group", "role", .. User, "--group", "90000001", "--member", "2", "--role", "boss"] },
        { ["where", .. User] },
        { ["where", "x", .. User] },
        { ["logout", .. User] },
        { ["profile", "set", .. User] },
        { ["profile", "set", .. User, "--detail", "novalue"] },
        { ["completion", "fish"] },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task BadLine_IsOneLineAndExit2(string[] args)
    {
        var (code, _, err) = await CliConsole.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        var line = Assert.Single(CliConsole.Lines(err));
        Assert.StartsWith("imcells: ", line);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public async Task UnknownCommand_DropsTheMissingCommandNoise()
    {
        var (_, _, err) = await CliConsole.RunAsync("frobnicate");

        Assert.Equal("imcells: Unrecognized command or argument 'frobnicate' (see 'imcells --help')", err.Trim());
    }

    [Fact]
    public async Task LoginNotAUrl_SaysWhichEntry()
    {
        var (_, _, err) = await CliConsole.RunAsync(["recv", "--user", "1", "--password", "pw", "--login", "http://127.0.0.1:1,notaurl"]);

        Assert.Equal("imcells: --login must be http:// or https:// URLs, comma-separated, not 'notaurl'", err.Trim());
    }

    [Fact]
    public async Task GroupAlone_PrintsItsHelp()
    {
        var (code, output, err) = await CliConsole.RunAsync("group");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("create", output);
        Assert.Contains("imcells group [command]", output);
        Assert.Empty(err);
    }

    public static TheoryData<string> EveryCommand()
    {
        var data = new TheoryData<string>();
        foreach (var path in Paths(CliRoot.Build(), []))
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task Help_OfEveryCommand_Exits0(string path)
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            var (code, output, err) = await CliConsole.RunAsync([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), help]);

            Assert.True(code == 0, $"imcells {path} {help}: exit {code}: {err}");
            Assert.Contains("Usage:", output);
        }
    }

    [Fact]
    public void EveryOption_HasADescription()
    {
        foreach (var path in Paths(CliRoot.Build(), []))
        {
            var command = Find(path);
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"imcells {path}");
            foreach (var option in command.Options.Where(o => !o.Hidden && o.Name != "--help" && o.Name != "--version"))
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"imcells {path} {option.Name}");
            }
        }
    }

    private static Command Find(string path)
    {
        Command command = CliRoot.Build();
        foreach (var name in path.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            command = command.Subcommands.Single(c => c.Name == name);
        }

        return command;
    }

    private static IEnumerable<string> Paths(Command command, List<string> above)
    {
        yield return string.Join(' ', above);
        foreach (var sub in command.Subcommands)
        {
            foreach (var path in Paths(sub, [.. above, sub.Name]))
            {
                yield return path;
            }
        }
    }
}
