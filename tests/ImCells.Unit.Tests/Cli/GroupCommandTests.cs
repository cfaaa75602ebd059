using ImCells.Cli;
using ImCells.Cli.CommandLine;

namespace ImCells.Unit.Tests.Cli;

/// <summary>`group` argument errors are usage errors (exit 2), found before any login is tried.</summary>
public sealed class GroupCommandTests
{
    private static readonly string[] User = ["--user", "10000001", "--password", "pw", "--login", "http://127.0.0.1:1"];

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("role", "--group", "90000001", "--member", "11000002", "--role", "boss")]
    [InlineData("add", "--group", "90000001")]
    [InlineData("add", "--group", "90000001", "--members", "1,x")]
    [InlineData("add", "--group", "90000001", "--members", "")]
    [InlineData("rename", "--group", "90000001", "--name", "")]
    [InlineData("send", "--group", "90000001")]
    [InlineData("leave")]
    [InlineData("create", "--members", "1,2")]
    public async Task BadArguments_AreUsageErrors(params string[] argv) =>
        Assert.Equal(ExitCodes.Usage, (await CliConsole.RunAsync(["group", .. argv, .. User])).Code);

    [Fact]
    public async Task NoSubcommand_IsAUsageError() =>
        Assert.Equal(ExitCodes.Usage, (await CliConsole.RunAsync("group")).Code);

    [Fact]
    public void Members_AreCommaSeparatedNumbers()
    {
        var args = CliArgs.Parse(["--members", "1, 2,3"], ["--members"]);
        Assert.Equal([1UL, 2UL, 3UL], args.RequiredUInt64List("--members"));
        Assert.Empty(CliArgs.Parse([], ["--members"]).OptionalUInt64List("--members"));
    }
}
