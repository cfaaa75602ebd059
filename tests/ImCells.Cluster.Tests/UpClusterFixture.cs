using System.Diagnostics;
using System.Text;
using ImCells.Client;
using Xunit;

namespace ImCells.Cluster.Tests;

[CollectionDefinition("up-cluster")]
public sealed class UpClusterCollection : ICollectionFixture<UpClusterFixture>;

/// <summary>
/// A cluster started the way an operator starts one: a throwaway etcd, then `imcells up` on a
/// topology with two login servers, cell a with one extra chat server, and cell b, using etcd
/// discovery. Processes are found again by their command lines, which carry this run's ports.
/// </summary>
public sealed class UpClusterFixture : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private Process? _etcd;
    private Process? _up;
    private int[] _ports = [];

    public string TempDir { get; } = Path.Combine(Path.GetTempPath(), "imcells-up-" + Guid.NewGuid().ToString("N")[..12]);

    public string Root { get; } = ClusterFixture.FindRepositoryRoot();

    public string TopologyPath => Path.Combine(TempDir, "topology.json");

    public string EtcdUrl => $"http://127.0.0.1:{_ports[0]}";

    public string MasterUrl => $"http://127.0.0.1:{_ports[2]}";

    public string Login1 => $"http://127.0.0.1:{_ports[3]}";

    public string Login2 => $"http://127.0.0.1:{_ports[4]}";

    /// <summary>Both login servers, for the client's failover.</summary>
    public string LoginUrls => $"{Login1},{Login2}";

    public string ChatA => $"127.0.0.1:{_ports[6]}";

    public string ChatA1 => $"127.0.0.1:{_ports[7]}";

    public string Cli => Path.Combine(Root, "cli", "ImCells.Cli", "bin", ClusterFixture.TestConfiguration(), "net10.0", "ImCells.Cli.dll");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(TempDir);
        _ports = ClusterFixture.FreePorts(11);
        _etcd = Start("etcd", "etcd",
            ["--name", "n1", "--data-dir", Path.Combine(TempDir, "etcd"),
             "--listen-client-urls", EtcdUrl, "--advertise-client-urls", EtcdUrl,
             "--listen-peer-urls", $"http://127.0.0.1:{_ports[1]}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{_ports[1]}",
             "--initial-cluster", $"n1=http://127.0.0.1:{_ports[1]}"], []);
        File.WriteAllText(TopologyPath, $$"""
            { "version": 1, "master": { "grpc": "{{MasterUrl}}" },
              "login": [ { "http": "{{Login1}}" }, { "http": "{{Login2}}" } ],
              "cells": [
                { "id": "a", "region": "eu", "ranges": [ { "first": 10000000, "last": 10999999 } ],
                  "grpc": "http://127.0.0.1:{{_ports[5]}}", "chat": [ "{{ChatA}}" ],
                  "chatServers": [ { "chat": "{{ChatA1}}", "grpc": "http://127.0.0.1:{{_ports[8]}}" } ],
                  "database": { "provider": "sqlite", "connection": "Data Source={{TempDir}}/cell-a.db" } },
                { "id": "b", "region": "us", "ranges": [ { "first": 11000000, "last": 11999999 } ],
                  "grpc": "http://127.0.0.1:{{_ports[9]}}", "chat": [ "127.0.0.1:{{_ports[10]}}" ],
                  "database": { "provider": "sqlite", "connection": "Data Source={{TempDir}}/cell-b.db" } } ] }
            """);
        _up = Start("up", "dotnet", [Cli, "up", "--topology", TopologyPath], new Dictionary<string, string>
        {
            ["IMCELLS_ROOT"] = Root,
            ["IMCELLS_CONFIG"] = ClusterFixture.TestConfiguration(),
            ["IMCELLS_Hlr__PasswordIterations"] = "1000",
            ["IMCELLS_Chat__HeartbeatSeconds"] = "2",
            ["IMCELLS_Discovery__Provider"] = "etcd",
            ["IMCELLS_Discovery__Etcd"] = EtcdUrl,
            ["IMCELLS_Discovery__TtlSeconds"] = "3",
        });
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var api = new LoginApi(LoginUrls);
        while (true)
        {
            try
            {
                var status = await api.StatusAsync(ready.Token);
                if (status.Cells.Count == 2 && status.Cells.All(c => c.Up))
                {
                    break;
                }
            }
            catch (ImClientException)
            {
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException("the cluster of `imcells up` did not come up within 90 s:\n" + Logs());
            }

            await Task.Delay(300, ready.Token);
        }
    }

    public string Logs()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    /// <summary>The PID of a process of this cluster (its command line names our master or our topology) that contains all of <paramref name="parts"/> ("!x": does not contain x).</summary>
    public int PidOf(params string[] parts)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if ((cmdline.Contains(MasterUrl, StringComparison.Ordinal) || cmdline.Contains(TempDir, StringComparison.Ordinal)) 
                    && parts.All(p => p.StartsWith('!') ? !cmdline.Contains(p[1..], StringComparison.Ordinal) : cmdline.Contains(p, StringComparison.Ordinal)))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
        }

        return 0;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _up, _etcd })
        {
            if (process is null)
            {
                continue;
            }

            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process Start(string name, string file, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TempDir };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.OutputDataReceived += (_, e) => Append(name, e.Data);
        process.ErrorDataReceived += (_, e) => Append(name, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string name, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Append('[').Append(name).Append("] ").AppendLine(line);
        }
    }
}
