using ImCells.ClusterHost;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests.Hosting;

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;

/// <summary>
/// A whole cluster in real processes, shared by the tests of the "cluster" collection: one master,
/// two login servers and cells a, b and c (<see cref="ClusterLayout"/>; cell b on the run's
/// PostgreSQL server when it has one), started through
/// ImCells.ClusterHost. Every process's output goes to one log: the last lines in memory, all of
/// it in a file that is kept when a test failed; a failing test prints the lines of its own run.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly ProcessLog _log;
    private volatile bool _failed;

    public ClusterFixture()
    {
        Layout = new ClusterLayout();
        _log = new ProcessLog(filePath: Path.Combine(Path.GetTempPath(), Path.GetFileName(Layout.TempDir) + ".log"));
        Api = new ClusterApi(Layout);
        Servers = new ClusterServers(Layout, Api, _log);
        Cli = new ClusterCli(Layout, _log);
    }

    internal ClusterLayout Layout { get; }

    internal ClusterApi Api { get; }

    internal ClusterServers Servers { get; }

    internal ClusterCli Cli { get; }

    /// <summary>A place in the cluster log, for <see cref="LogSince"/>.</summary>
    internal long LogMark() => _log.Mark();

    /// <summary>The cluster log's lines ("[cell a] ...") since <paramref name="mark"/> that are still in memory (the last 20 000).</summary>
    internal IReadOnlyList<string> LogSince(long mark) => _log.Dump(mark).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public async Task InitializeAsync()
    {
        await Layout.CreatePostgresDatabaseAsync();
        Layout.WriteInitialTopology();
        Layout.PreparePki();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await Servers.StartAsync(cts.Token);
        }
        catch (Exception e)
        {
            _failed = true;
            await DisposeAsync();
            throw new InvalidOperationException($"the cluster did not start: {e.Message}\n==== cluster log ====\n{_log.Dump()}", e);
        }
    }

    public async Task DisposeAsync()
    {
        await Cli.DisposeAsync();
        await Servers.DisposeAsync();
        _log.Dispose();
        if (!_failed && _log.FilePath is { } file)
        {
            File.Delete(file);
        }

        await Layout.DropPostgresDatabaseAsync();
        Layout.Dispose();
    }

    /// <summary>
    /// Runs one test within <paramref name="bound"/>: first starts again whatever an earlier test
    /// left dead, then hands the test a <see cref="TestUsers"/> (its clients are disposed after it).
    /// On failure prints this test's part of the cluster log before rethrowing.
    /// </summary>
    internal async Task RunAsync(ITestOutputHelper output, TimeSpan bound, Func<TestUsers, CancellationToken, Task> test)
    {
        using var cts = new CancellationTokenSource(bound);
        var mark = _log.Mark();
        try
        {
            await Servers.EnsureRunningAsync(cts.Token);
            await using var users = new TestUsers(Layout.LoginUrl, cts.Token);
            await test(users, cts.Token);
        }
        catch
        {
            _failed = true;
            output.WriteLine($"==== cluster log of this test (all of it: {_log.FilePath}) ====");
            output.WriteLine(_log.Dump(mark));
            throw;
        }
    }
}
