using System.CommandLine;
using ImCells.Cli;
using ImCells.Cli.CommandLine;

namespace ImCells.Unit.Tests.Cli;

/// <summary>An option's old names: hidden, feeding the new name, never together with it.</summary>
public sealed class CommandBuilderTests
{
    [Fact]
    public async Task OldName_FeedsTheCanonicalName()
    {
        var (code, seen) = await RunAsync("try", "--to", "42");

        Assert.Equal(0, code);
        Assert.Equal("42", seen!.Required(CommonOptions.Peer));
        Assert.Null(seen.Optional("--to"));
    }

    [Fact]
    public async Task CanonicalName_Works()
    {
        var (code, seen) = await RunAsync("try", "--peer=7");

        Assert.Equal(0, code);
        Assert.Equal(7UL, seen!.RequiredUInt64(CommonOptions.Peer));
    }

    [Fact]
    public void BothNames_AreAnError()
    {
        var parsed = Root(_ => { }).Parse(["try", "--peer", "1", "--to", "2"]);

        Assert.Contains(parsed.Errors, e => e.Message == "--peer and --to name the same thing: give one");
    }

    [Fact]
    public void Required_IsMetByAnOldNameAndMissedWithout()
    {
        Assert.Empty(Root(_ => { }).Parse(["try", "--to", "2"]).Errors);
        Assert.Contains(Root(_ => { }).Parse(["try"]).Errors, e => e.Message == "--peer is required");
    }

    [Fact]
    public void OldNames_AreHidden()
    {
        var command = Root(_ => { }).Subcommands.Single();

        Assert.True(command.Options.Single(o => o.Name == "--to").Hidden);
        Assert.False(command.Options.Single(o => o.Name == CommonOptions.Peer).Hidden);
    }

    [Fact]
    public async Task FlagsRepeatedValuesAndWords_ReachTheBody()
    {
        var (code, seen) = await RunAsync("try", "--peer", "1", "--json", "--detail", "a=1", "--detail", "b=", "away");

        Assert.Equal(0, code);
        Assert.True(seen!.Has("--json"));
        Assert.Equal(["a=1", "b="], seen.All("--detail"));
        Assert.Equal(["away"], seen.Positionals);
    }

    [Fact]
    public void Choices_AreEnforced()
    {
        Assert.NotEmpty(Root(_ => { }).Parse(["try", "--peer", "1", "--mode", "sideways"]).Errors);
        Assert.Empty(Root(_ => { }).Parse(["try", "--peer", "1", "--mode", "on"]).Errors);
    }

    private static async Task<(int Code, CliArgs? Seen)> RunAsync(params string[] args)
    {
        CliArgs? seen = null;
        var code = await Root(a => seen = a).Parse(args).InvokeAsync();
        return (code, seen);
    }

    private static RootCommand Root(Action<CliArgs> seen) =>
    [
        new CommandBuilder("try", "a command for the test")
            .Value(CommonOptions.Peer, "M", "the other user", required: true, "--to")
            .Flag("--json", "as JSON")
            .Repeated("--detail", "K=V", "details")
            .Choice("--mode", "a choice", required: false, "on", "off")
            .Words("state", "a word", min: 0, max: 1)
            .Run(args =>
            {
                seen(args);
                return Task.FromResult(0);
            }),
    ];
}
