using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ImCells.Trust;
using ImCells.Unit.Tests.Topology;

namespace ImCells.Unit.Tests.Options;

/// <summary>The built login and master, started as real processes with something wrong: one line and a non-zero exit, at once.</summary>
public sealed class ServerProcessTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Login_BadSetting_ExitsWithOneLineBeforeContactingTheMaster()
    {
        // A master that never answers: a login that asked it would wait 30 s, and the connection would be pending here.
        using var master = new TcpListener(IPAddress.Loopback, 0);
        master.Start();
        var masterUrl = $"http://127.0.0.1:{((IPEndPoint)master.LocalEndpoint).Port}";

        var run = await RunAsync("login/ImCells.Login", "ImCells.Login", "--Login:TokenLifetimeHours=0", "--master", masterUrl);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["login: invalid setting Login:TokenLifetimeHours = 0: must be 1..8760"], run.Stderr);
        Assert.Empty(run.Stdout);
        Assert.False(master.Pending(), "login contacted the master");
    }

    [Fact]
    public async Task Login_BadEnvironmentSetting_ExitsWithOneLine()
    {
        var run = await RunAsync("login/ImCells.Login", "ImCells.Login",
            new Dictionary<string, string> { ["IMCELLS_Discovery__Provider"] = "zookeeper" }, "--master", "http://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["login: invalid setting Discovery:Provider = 'zookeeper': must be 'static' or 'etcd'"], run.Stderr);
    }

    [Theory]
    [InlineData("login/ImCells.Login", "ImCells.Login", "login")]
    [InlineData("cell/ImCells.Cell", "ImCells.Cell", "cell a", "--cell", "a")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task KeyFileReadableByOthers_ExitsWithOneLineBeforeContactingTheMaster(string project, string name, string role, params string[] more)
    {
        using var master = new TcpListener(IPAddress.Loopback, 0);
        master.Start();
        var masterUrl = $"https://127.0.0.1:{((IPEndPoint)master.LocalEndpoint).Port}";
        var keyDir = Directory.CreateTempSubdirectory("imcells-key-");
        try
        {
            var key = Path.Combine(keyDir.FullName, "token.key");
            File.WriteAllBytes(key, new byte[32]);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            // The process's own certificate is in order, so the token key is what stops it.
            var identity = more.Length > 0 ? ClusterIdentity.Cell("a") : ClusterIdentity.Login(0);
            var run = await RunAsync(project, name, new Dictionary<string, string>(), dir => WriteTopologyAndPki(dir, identity),
                [.. more, "--token-key", key, "--master", masterUrl]);

            Assert.Equal(1, run.ExitCode);
            Assert.Equal([$"{role}: key file {key} is readable by others (mode 644); run: chmod 600 {key}"], run.Stderr);
            Assert.DoesNotContain(run.Stdout, line => line.Contains(" fail:", StringComparison.Ordinal) || line.Contains(" crit:", StringComparison.Ordinal));
            Assert.False(master.Pending(), $"{role} contacted the master");
        }
        finally
        {
            keyDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Master_MissingTopologyFile_ExitsWithOneLine()
    {
        var run = await RunAsync("master/ImCells.Master", "ImCells.Master", "--topology", "missing.json");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr);
        Assert.StartsWith("master: missing.json: cannot read ", line, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Master_KeyReadableByOthers_ExitsWithOneLineNamingTheFile()
    {
        string? key = null;
        var run = await RunAsync("master/ImCells.Master", "ImCells.Master", new Dictionary<string, string>(), dir =>
        {
            var layout = WriteTopologyAndPki(dir);
            key = layout.KeyOf(ClusterIdentity.Master);
            File.SetUnixFileMode(key, File.GetUnixFileMode(key) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"master: key file {key} is readable by others (mode 644); run: chmod 600 {key}"], run.Stderr);
    }

    [Fact]
    public async Task Master_CertificateMissing_ExitsWithOneLineNamingTheFile()
    {
        string? certificate = null;
        var run = await RunAsync("master/ImCells.Master", "ImCells.Master", new Dictionary<string, string>(), dir =>
        {
            var layout = WriteTopologyAndPki(dir);
            certificate = layout.CertificateOf(ClusterIdentity.Master);
            File.Delete(certificate);
        });

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr);
        Assert.StartsWith($"master: TLS file {certificate} does not exist: ", line, StringComparison.Ordinal);
    }

    /// <summary>topology.json and data/pki with <paramref name="identity"/>'s certificate (default: the master's), as `imcells up` leaves them in <paramref name="dir"/>.</summary>
    private static PkiLayout WriteTopologyAndPki(string dir, ClusterIdentity? identity = null)
    {
        File.WriteAllText(Path.Combine(dir, "topology.json"), TopologyJson.TwoCells().ToJsonString());
        var layout = new PkiLayout(Path.Combine(dir, "data", "pki"));
        using var ca = ClusterCa.LoadOrCreate(layout);
        ca.EnsureIssued(layout, identity ?? ClusterIdentity.Master, ["127.0.0.1"]);
        return layout;
    }

    private sealed record Run(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr);

    private static Task<Run> RunAsync(string project, string name, params string[] args) =>
        RunAsync(project, name, new Dictionary<string, string>(), args);

    private static Task<Run> RunAsync(string project, string name, Dictionary<string, string> environment, params string[] args) =>
        RunAsync(project, name, environment, _ => { }, args);

    /// <summary>Runs the built server in a fresh temp folder, which <paramref name="prepare"/> fills first.</summary>
    private static async Task<Run> RunAsync(string project, string name, Dictionary<string, string> environment, Action<string> prepare, params string[] args)
    {
        var dll = Path.Combine(RepoRoot(), project, "bin", Configuration(), "net10.0", name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var workDir = Directory.CreateTempSubdirectory("imcells-options-");
        try
        {
            prepare(workDir.FullName);
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workDir.FullName,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.ArgumentList.Add(dll);
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["DOTNET_NOLOGO"] = "1";
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Quickly);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{name} still running after {Quickly.TotalSeconds:0} s");
            }

            return new Run(process.ExitCode, Lines(await stdout), Lines(await stderr));
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImCells.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ImCells.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Debug or Release: the same as this test assembly's, read from its bin/&lt;configuration&gt;/ path.</summary>
    private static string Configuration()
    {
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return parts[bin + 1];
    }
}
