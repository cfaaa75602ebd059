using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImCells.ClusterHost;
using ImCells.Trust;

namespace ImCells.Cluster.Tests.Hosting;

[CollectionDefinition("up-healing")]
public sealed class UpHealingCollection : ICollectionFixture<UpHealingFixture>;

/// <summary>
/// `imcells up` on a small topology (one login server, cells a and b, static discovery) with its
/// state file in a temp folder, for the tests of what `up` does on its own (restart a killed cell)
/// and of the commands that read or edit what it runs (status, topology remove-cell). Three spare
/// ports are kept for a cell a test adds. Disposal stops `up` with SIGTERM, which stops the rest.
/// </summary>
public sealed class UpHealingFixture : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly UpRun _run = new("imcells-heal-", 10);

    public string TempDir => _run.TempDir;

    public string TopologyPath => _run.TopologyPath;

    public string StatePath => Path.Combine(TempDir, "up.json");

    public string LoginUrl => Url(Ports[1]);

    /// <summary>Where a test may put one more cell: gRPC URL, chat entry.</summary>
    public (string Grpc, string Chat) SpareCell => (Url(Ports[6]), $"tls://127.0.0.1:{Ports[7]}");

    /// <summary>The cluster CA `up` created (in the repository's data/pki): what devices trust.</summary>
    public X509Certificate2 Ca => UpRun.Ca;

    private PortReservation Ports => _run.Ports;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(TopologyPath, $$"""
            {
              "version": 1,
              "master": { "grpc": "{{Url(Ports[0])}}" },
              "login": [ { "http": "{{LoginUrl}}" } ],
              "cells": [
                {
                  "id": "a", "region": "eu",
                  "ranges": [ { "first": 10000000, "last": 10999999 } ],
                  "grpc": "{{Url(Ports[2])}}", "chat": [ "tls://127.0.0.1:{{Ports[3]}}" ],
                  "database": { "provider": "sqlite", "connection": "Data Source={{TempDir}}/cell-a.db" }
                },
                {
                  "id": "b", "region": "us",
                  "ranges": [ { "first": 11000000, "last": 11999999 } ],
                  "grpc": "{{Url(Ports[4])}}", "chat": [ "tls://127.0.0.1:{{Ports[5]}}" ],
                  "database": { "provider": "sqlite", "connection": "Data Source={{TempDir}}/cell-b.db" }
                }
              ]
            }

            """);
        var up = _run.StartUp(["--topology", TopologyPath, "--state", StatePath, "--profile", "bench"]);

        using var ready = new CancellationTokenSource(ReadyTimeout);
        try
        {
            await Readiness.EnsureAsync("the ready line of `up`", _ =>
                Task.FromResult(up.Output().Any(l => l.Contains("[up] ready:", StringComparison.Ordinal))), up, ReadyTimeout, ready.Token);
            await Readiness.EnsureAsync("both cells up", async ct => await CellsUpAsync(ct) is { Count: 2 } up2 && up2.All(c => c.Up), up, ReadyTimeout, ready.Token);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw await _run.DidNotComeUpAsync(e);
        }
    }

    /// <summary>Every cell login knows of, up or down.</summary>
    public async Task<IReadOnlyList<(string Id, bool Up)>> CellsUpAsync(CancellationToken ct)
    {
        using var api = new ImCells.Client.LoginApi(LoginUrl, Ca);
        return [.. (await api.StatusAsync(ct)).Cells.Select(c => (c.Id, c.Up))];
    }

    /// <summary>The pid the state file of `up` gives for <paramref name="name"/>; 0 when it lists no such process.</summary>
    public int PidInState(string name)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(StatePath));
        return state.RootElement.GetProperty("processes").EnumerateArray()
            .Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("pid").GetInt32()).FirstOrDefault();
    }

    /// <summary>True when the admin endpoint the state file gives for <paramref name="name"/> answers /readyz with 200.</summary>
    public async Task<bool> ReadyInStateAsync(string name, CancellationToken ct)
    {
        string? admin;
        using (var state = JsonDocument.Parse(await File.ReadAllTextAsync(StatePath, ct)))
        {
            admin = state.RootElement.GetProperty("processes").EnumerateArray()
                .Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("admin").GetString()).FirstOrDefault();
        }

        if (admin is null)
        {
            return false;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(admin), "/readyz"), ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Freezes (SIGSTOP) or thaws (SIGCONT) `up` itself, its children running on: while frozen it
    /// restarts nothing, so a test can look at a cluster with a cell down for as long as it takes.
    /// </summary>
    public async Task SignalUpAsync(string signal)
    {
        var up = _run.Host.Find("up") ?? throw new InvalidOperationException("`up` was never started");
        using var kill = Process.Start("kill", [signal, up.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>What `up` printed of its own (its "[up] ..." lines).</summary>
    public IReadOnlyList<string> UpLines() =>
        _run.Host.Find("up")?.Output().Where(l => l.StartsWith("[up]", StringComparison.Ordinal)).ToList() ?? [];

    /// <summary>Runs <c>imcells &lt;args&gt;</c> to its end in the cluster's folder; its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> CliAsync(TimeSpan timeout, params string[] args)
    {
        var spec = ProcessSpec.Dotnet("imcells " + args[0], TestBuild.CliDll(), args) with
        {
            WorkingDirectory = TempDir,
            Environment = new Dictionary<string, string> { ["IMCELLS_ROOT"] = TestBuild.Root, ["IMCELLS_CONFIG"] = TestBuild.Configuration },
        };
        await using var process = HostedProcess.Start(spec, _run.Log);
        try
        {
            var code = await process.Exited.WaitAsync(timeout);
            return (code, string.Join('\n', process.Output()));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"imcells {string.Join(' ', args)} did not exit within {timeout.TotalSeconds:0} s");
        }
    }

    public string Logs() => _run.Log.Dump();

    public async Task DisposeAsync() => await _run.DisposeAsync();

    /// <summary>Server-to-server gRPC and login: TLS.</summary>
    private static string Url(int port) => $"https://127.0.0.1:{port}";
}
