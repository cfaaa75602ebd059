using System.Globalization;
using System.Security.Cryptography;
using ImCells.ClusterHost;
using Xunit.Abstractions;

namespace ImCells.Docker.Tests;

/// <summary>
/// A cluster on separate hosts: master, one login server and cells a, b and c, each in its own
/// container (its own host name and address) on an internal Docker network made for this run, with
/// certificates made by `imcells pki` (each container gets only its own folder, read-only) and each
/// cell's SQLite database in a named volume. Test traffic comes only from the client container on
/// that network (the driver and the imcells CLI); the host talks only to the docker command. Every
/// container, network and volume carries the label imcells.test=&lt;run&gt; and is removed at the end.
/// </summary>
public sealed class DockerCluster : IAsyncLifetime
{
    /// <summary>Chat:HeartbeatSeconds of the cells: a silent connection and a cell's presence reports last 3 of these.</summary>
    public const int HeartbeatSeconds = 3;

    public const string Password = "docker pw";
    public const string LoginUrl = "https://login-0:7100";
    private const string ClientCa = "/client/ca.crt";
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(90);

    private readonly string _run = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
    private readonly string _root;
    private readonly string _configuration;
    private readonly string _work = Directory.CreateTempSubdirectory("imcells-docker-").FullName;

    public DockerCluster()
    {
        // tests/ImCells.Docker.Tests/bin/<configuration>/net10.0/
        _configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        _root = BuildOutput.FindRoot(AppContext.BaseDirectory, "ImCells.sln")
                ?? throw new InvalidOperationException("cannot find ImCells.sln above " + AppContext.BaseDirectory);
    }

    public string Image { get; } = Environment.GetEnvironmentVariable("IMCELLS_DOCKER_IMAGE") ?? "imcells:latest";

    public string Network => $"imt-{_run}";

    public string Label => $"imcells.test={_run}";

    public string TopologyPath => Path.Combine(_work, "config", "topology.json");

    public string SecretsPath => Path.Combine(_work, "secrets");

    private string Secrets => SecretsPath;

    /// <summary>The container of a host name of the topology (master, login-0, cell-a, client).</summary>
    public string Container(string host) => $"imt-{_run}-{host}";

    public async Task InitializeAsync()
    {
        if ((await Docker.TryRunAsync(["image", "inspect", Image])).Code != 0)
        {
            throw new InvalidOperationException($"no image {Image}: run deploy/docker/build-images.sh first (./test.sh does)");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(TopologyPath)!);
        await File.WriteAllTextAsync(TopologyPath, TopologyJson());
        await HostCliAsync("pki", "--topology", TopologyPath, "--data", Secrets);
        Directory.CreateDirectory(Path.Combine(_work, "client"));
        File.Copy(Path.Combine(Secrets, "pki", "ca.crt"), Path.Combine(_work, "client", "ca.crt"));

        await Docker.RunAsync(["network", "create", "--internal", "--label", Label, Network]);
        await StartServerAsync("master", 7000, ["master", "--topology", "/config/topology.json"],
            ["-v", $"{Path.GetDirectoryName(TopologyPath)}:/config:ro"]);
        await WaitHealthyAsync("master");
        await StartServerAsync("login-0", 7100, ["login", "--master", "https://master:7000", "--login-index", "0"],
        [
            // One client container makes every registration and login: no per-source limits here.
            "-e", "IMCELLS_Login__SourceRegistrationsPerHour=0", "-e", "IMCELLS_Login__SourceLoginsPerMinute=0",
            "-e", "IMCELLS_Login__SourceLookupsPerMinute=0",
        ]);
        foreach (var cell in new[] { "a", "b", "c" })
        {
            await StartCellContainerAsync(cell);
        }

        await Task.WhenAll(new[] { "login-0", "cell-a", "cell-b", "cell-c" }.Select(WaitHealthyAsync));

        // The client host: sleeps (bounded, so a leaked one ends by itself) while tests exec into it.
        var driver = Path.Combine(_root, "tests", "ImCells.Docker.Driver", "bin", _configuration, BuildOutput.TargetFramework);
        await Docker.RunAsync(
        [
            "run", "-d", "--name", Container("client"), "--hostname", "client", "--network", Network, "--label", Label,
            "-v", $"{Path.Combine(_work, "client")}:/client:ro", "-v", $"{driver}:/driver:ro",
            "--entrypoint", "sleep", Image, "3600",
        ]);
    }

    public async Task DisposeAsync()
    {
        await RemoveAllAsync(Label);
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>Removes every container, network and volume labelled <paramref name="label"/>.</summary>
    public static async Task RemoveAllAsync(string label)
    {
        var containers = await Docker.RunAsync(["ps", "-aq", "--filter", $"label={label}"]);
        if (containers.Length > 0)
        {
            await Docker.TryRunAsync(["rm", "-f", "-v", .. containers.Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
        }

        foreach (var kind in new[] { "network", "volume" })
        {
            var names = await Docker.RunAsync([kind, "ls", "-q", "--filter", $"label={label}"]);
            if (names.Length > 0)
            {
                await Docker.TryRunAsync([kind, "rm", .. names.Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
            }
        }
    }

    /// <summary>Starts the container of cell <paramref name="cell"/> (a new one: volume, secrets, settings).</summary>
    public async Task StartCellContainerAsync(string cell)
    {
        var volume = Container($"cell-{cell}");
        await Docker.RunAsync(["volume", "create", "--label", Label, volume]);
        await StartServerAsync($"cell-{cell}", 7201, ["cell", "--master", "https://master:7000", "--cell", cell],
        [
            "-v", $"{volume}:/data",
            "-e", $"IMCELLS_Chat__HeartbeatSeconds={HeartbeatSeconds}",
            "-e", "IMCELLS_Hlr__PasswordIterations=1000",
        ]);
    }

    public Task KillAsync(string host) => Docker.RunAsync(["kill", Container(host)]);

    /// <summary>Starts a stopped (killed) container again and waits until it serves.</summary>
    public async Task RestartAsync(string host)
    {
        await Docker.RunAsync(["start", Container(host)]);
        await WaitHealthyAsync(host);
    }

    /// <summary>A partition: the host leaves the cluster's network (open connections hang, its name stops resolving).</summary>
    public Task DisconnectAsync(string host) => Docker.RunAsync(["network", "disconnect", Network, Container(host)]);

    /// <summary>Heals <see cref="DisconnectAsync"/>: back on the network under its host name.</summary>
    public Task ReconnectAsync(string host) => Docker.RunAsync(["network", "connect", "--alias", host, Network, Container(host)]);

    /// <summary>When the container last started (docker's State.StartedAt).</summary>
    public Task<string> StartedAtAsync(string host) => Docker.RunAsync(["inspect", "-f", "{{.State.StartedAt}}", Container(host)]);

    /// <summary>The imcells CLI in the client container, as a user command: --login and --ca are added.</summary>
    public Task<string> UserCliAsync(params string[] args) =>
        Docker.RunAsync(["exec", Container("client"), "/app/imcells-entry", "cli", .. args, "--login", LoginUrl, "--ca", ClientCa],
            TimeSpan.FromSeconds(60));

    /// <summary>Registers a user in <paramref name="cell"/> with <see cref="Password"/> through the CLI in the client container.</summary>
    public async Task<ulong> RegisterAsync(string name, string cell) =>
        ulong.Parse(await UserCliAsync("register", "--name", name, "--password", Password, "--cell", cell), CultureInfo.InvariantCulture);

    /// <summary>Starts a driver command (send, receive, presence) in the client container as <paramref name="user"/>.</summary>
    public DriverRun Driver(string command, ulong user, params string[] args) => new(
        Docker.Start(
        [
            "exec", Container("client"), "dotnet", "/driver/ImCells.Docker.Driver.dll", command,
            "--login", LoginUrl, "--ca", ClientCa, "--user", user.ToString(CultureInfo.InvariantCulture), "--password", Password, .. args,
        ]),
        $"{command} as {user}");

    /// <summary>The imcells CLI on the host, for commands that only write files (pki, topology add-cell).</summary>
    public async Task<string> HostCliAsync(params string[] args)
    {
        var (code, stdout, stderr) = await Docker.TryRunAsync(
            "dotnet", [BuildOutput.Dll(_root, "cli/ImCells.Cli", _configuration), .. args], TimeSpan.FromSeconds(60));
        return code == 0 ? stdout : throw new InvalidOperationException($"imcells {string.Join(' ', args)} exited with {code}: {stderr}");
    }

    /// <summary>The last lines of every server's log, for a failed test's output.</summary>
    public async Task WriteLogsAsync(ITestOutputHelper output, int lines = 25)
    {
        var names = await Docker.RunAsync(["ps", "-a", "--filter", $"label={Label}", "--format", "{{.Names}}"]);
        foreach (var name in names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => !n.EndsWith("-client", StringComparison.Ordinal)))
        {
            var (_, stdout, stderr) = await Docker.TryRunAsync(["logs", "--tail", lines.ToString(CultureInfo.InvariantCulture), name]);
            output.WriteLine($"--- {name}\n{stdout}\n{stderr}".TrimEnd());
        }
    }

    /// <summary>Runs a test body within <paramref name="bound"/>; on failure the servers' logs go to the output.</summary>
    public async Task RunAsync(ITestOutputHelper output, TimeSpan bound, Func<CancellationToken, Task> body)
    {
        using var cts = new CancellationTokenSource(bound);
        try
        {
            await body(cts.Token);
        }
        catch
        {
            await WriteLogsAsync(output);
            throw;
        }
    }

    public async Task WaitHealthyAsync(string host)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var state = await Docker.RunAsync(["inspect", "-f", "{{.State.Status}} {{.State.Health.Status}}", Container(host)]);
            if (state == "running healthy")
            {
                return;
            }

            if (!state.StartsWith("running", StringComparison.Ordinal) || clock.Elapsed > HealthyWithin)
            {
                var (_, logs, errors) = await Docker.TryRunAsync(["logs", "--tail", "20", Container(host)]);
                throw new InvalidOperationException($"{host} is '{state}' after {clock.Elapsed.TotalSeconds:0} s:\n{logs}\n{errors}");
            }

            await Task.Delay(250);
        }
    }

    private Task StartServerAsync(string host, int healthPort, string[] command, string[] options) =>
        Docker.RunAsync(
        [
            "run", "-d", "--name", Container(host), "--hostname", host, "--network", Network, "--network-alias", host,
            "--label", Label, "-v", $"{Path.Combine(Secrets, "hosts", SecretsFolder(host))}:/secrets:ro",
            "--health-cmd", $"/app/imcells-entry listening {healthPort}", "--health-interval", "1s", "--health-retries", "3",
            "--health-start-period", "60s",
            .. options, Image, .. command,
        ]);

    /// <summary>The folder `imcells pki` writes for the process on <paramref name="host"/>.</summary>
    private static string SecretsFolder(string host) => host == "master" ? "master-master" : host;

    private static string TopologyJson()
    {
        var cells = new[] { ("a", 10), ("b", 11), ("c", 12) }.Select(c => $$"""
                { "id": "{{c.Item1}}", "ranges": [ { "first": {{c.Item2}}000000, "last": {{c.Item2}}999999 } ],
                  "groupRanges": [ { "first": {{c.Item2 + 80}}000000, "last": {{c.Item2 + 80}}999999 } ],
                  "grpc": "https://cell-{{c.Item1}}:7201", "chat": [ "tls://cell-{{c.Item1}}:7301" ],
                  "database": { "provider": "sqlite", "connection": "Data Source=/data/cell-{{c.Item1}}.db" } }
            """);
        return $$"""
            {
              "version": 1,
              "master": { "grpc": "https://master:7000" },
              "login": [ { "http": "{{LoginUrl}}" } ],
              "cells": [
            {{string.Join(",\n", cells)}}
              ]
            }
            """;
    }
}

[CollectionDefinition("docker")]
public sealed class DockerCollection : ICollectionFixture<DockerCluster>;
