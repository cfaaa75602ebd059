using ImCells.Cli;
using ImCells.Cli.Commands;
using ImCells.Unit.Tests.Trust;

namespace ImCells.Unit.Tests.Cli;

/// <summary>--ca FILE, else data/pki/ca.crt under the repository root, else no CA (the system's trust store).</summary>
public sealed class CaFileTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imcells-root-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _pki.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void DefaultPath_IsDataPkiCaOnlyWhenItExists()
    {
        Assert.Null(CaFile.DefaultPath(null));
        Assert.Null(CaFile.DefaultPath(_root));

        var ca = Path.Combine(_root, "data", "pki", "ca.crt");
        Directory.CreateDirectory(Path.GetDirectoryName(ca)!);
        File.Copy(_pki.Layout.CaCertificate, ca);

        Assert.Equal(ca, CaFile.DefaultPath(_root));
    }

    [Fact]
    public void GivenFile_WinsOverTheDefault()
    {
        using var given = CaFile.Load(_pki.Layout.CaCertificate, fallback: "/nonexistent/ca.crt");
        Assert.Equal(_pki.Ca.Thumbprint, given!.Thumbprint);
        Assert.Null(CaFile.Load(null, null));
    }

    [Fact]
    public void MissingOrBadFile_IsRefusedWithItsName()
    {
        var missing = Assert.Throws<UsageException>(() => CaFile.Load("/nonexistent/ca.crt", null));
        Assert.Equal("--ca /nonexistent/ca.crt: no such file", missing.Message);

        Directory.CreateDirectory(_root);
        var garbage = Path.Combine(_root, "garbage.crt");
        File.WriteAllText(garbage, "not a certificate");
        var bad = Assert.Throws<CliException>(() => CaFile.Load(garbage, null));
        Assert.StartsWith($"cannot read the CA certificate {garbage}: ", bad.Message);
    }

    [Fact]
    public void UserCommands_PassTheCaToTheClient()
    {
        var args = CliArgs.Parse(
            ["--user", "10000001", "--password", "pw", "--login", "https://login.example:7100", "--ca", _pki.Layout.CaCertificate],
            UserArgs.Options);

        var options = UserArgs.ToClientOptions(args);

        Assert.Equal("https://login.example:7100", options.LoginUrl);
        Assert.Equal(_pki.Ca.Thumbprint, options.TrustedCa!.Thumbprint);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("where")]
    public void LoginCommands_AcceptCa(string command)
    {
        var args = CliArgs.Parse(["--ca", "x.crt", "--login", "https://l:1"], LoginUrl.Options, maxPositionals: command == "where" ? 1 : 0);
        Assert.Equal("x.crt", args.Optional(CaFile.Option));
    }
}
