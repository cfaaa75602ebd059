using System.Security.Cryptography.X509Certificates;
using ImCells.ClusterHost;
using ImCells.Trust;

namespace ImCells.Cluster.Tests.Hosting;

/// <summary>
/// What an `imcells up` fixture runs in: a temp folder, reserved ports, one log and a process host;
/// `up` started with the tests' settings; a disposal that stops `up` first (it stops its servers)
/// and then whatever else the fixture started, and removes the folder.
/// </summary>
public sealed class UpRun : IAsyncDisposable
{
    private bool _disposed;

    public UpRun(string prefix, int ports)
    {
        Ports = PortReservation.Reserve(ports);
        Host = new ProcessHost(Log, TimeSpan.FromSeconds(15));
        TempDir = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(TempDir);
    }

    public PortReservation Ports { get; }

    public ProcessLog Log { get; } = new();

    public ProcessHost Host { get; }

    public string TempDir { get; }

    public string TopologyPath => Path.Combine(TempDir, "topology.json");

    /// <summary>The PKI `up` keeps in the repository's data folder.</summary>
    public static PkiLayout Pki => new(Path.Combine(TestBuild.Root, "data", "pki"));

    /// <summary>The cluster CA `up` created: what devices trust.</summary>
    public static X509Certificate2 Ca => X509CertificateLoader.LoadCertificateFromFile(Pki.CaCertificate);

    /// <summary>
    /// Starts `imcells up &lt;args&gt;` in the folder; <paramref name="settings"/> are IMCELLS_ variables
    /// for its servers. Every test client is 127.0.0.1 and logs in in loops: no per-source limits.
    /// </summary>
    public HostedProcess StartUp(IEnumerable<string> args, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["IMCELLS_ROOT"] = TestBuild.Root,
            ["IMCELLS_CONFIG"] = TestBuild.Configuration,
            ["IMCELLS_Login__SourceLoginsPerMinute"] = "0",
            ["IMCELLS_Login__SourceRegistrationsPerHour"] = "0",
            ["IMCELLS_Login__SourceLookupsPerMinute"] = "0",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return Host.Start(ProcessSpec.Dotnet("up", TestBuild.CliDll(), ["up", .. args]) with { WorkingDirectory = TempDir, Environment = environment });
    }

    /// <summary>Stops everything, then the exception that says `up` did not come up, with the logs.</summary>
    public async Task<Exception> DidNotComeUpAsync(Exception cause)
    {
        var logs = Log.Dump();
        await DisposeAsync();
        return new InvalidOperationException($"the cluster of `imcells up` did not come up: {cause.Message}\n{logs}", cause);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // `up` first: it stops its servers (which deregister from etcd) before anything else goes.
        if (Host.IsRunning("up"))
        {
            await Host.StopAsync("up");
        }

        await Host.DisposeAsync();
        Log.Dispose();
        Ports.Dispose();
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
