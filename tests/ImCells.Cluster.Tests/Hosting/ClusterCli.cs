using ImCells.ClusterHost;

namespace ImCells.Cluster.Tests.Hosting;

/// <summary>
/// The built imcells CLI as a child process of the tests, run in the cluster's folder. What it
/// prints is its output to the user (a test may check it); it also goes to the cluster log.
/// </summary>
internal sealed class ClusterCli(ClusterLayout layout, ProcessLog log) : IAsyncDisposable
{
    private readonly ProcessHost _host = new(log);

    /// <summary>Starts <c>imcells &lt;args&gt;</c> with a standard input that stays open until it is killed.</summary>
    public HostedProcess Start(string name, params string[] args) =>
        _host.Start(ProcessSpec.Dotnet(name, TestBuild.CliDll(), args) with { WorkingDirectory = layout.TempDir, OpenStandardInput = true });

    /// <summary>SIGKILL: the process says no goodbye to anyone.</summary>
    public Task KillAsync(HostedProcess process) => process.KillAsync();

    /// <summary>
    /// Runs <c>imcells &lt;args&gt;</c> to its end (stdin closed at once); returns its exit code and
    /// what it printed. Throws when it has not exited within <paramref name="timeout"/>.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string name, TimeSpan timeout, CancellationToken ct, params string[] args)
    {
        await using var process = Start(name, args);
        process.StandardInput.Close();
        try
        {
            var code = await process.Exited.WaitAsync(timeout, ct);
            return (code, string.Join('\n', process.Output()));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"imcells {string.Join(' ', args)} did not exit within {timeout.TotalSeconds:0} s");
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
