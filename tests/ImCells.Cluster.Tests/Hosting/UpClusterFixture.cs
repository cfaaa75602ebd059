using System.Security.Cryptography.X509Certificates;
using ImCells.ClusterHost;
using ImCells.Trust;

namespace ImCells.Cluster.Tests.Hosting;

[CollectionDefinition("up-cluster")]
public sealed class UpClusterCollection : ICollectionFixture<UpClusterFixture>;

/// <summary>
/// A cluster started the way an operator starts one: a throwaway etcd, then `imcells up` on a
/// topology with two login servers, cell a with one extra chat server, and cell b, using etcd
/// discovery; devices reach login and chat over TLS (https://, tls://), trusting the CA `up` made. `up` starts the servers, so they are its children, not ours: one is found by its
/// command line (which carries this run's ports). Disposal stops `up` with SIGTERM, which stops them.
/// </summary>
public sealed class UpClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly UpRun _run = new("imcells-up-", 11);

    public string TempDir => _run.TempDir;

    public string TopologyPath => _run.TopologyPath;

    public string EtcdUrl => Url(Ports[0]);

    public string MasterUrl => GrpcUrl(Ports[2]);

    /// <summary>Both login servers, for the client's failover.</summary>
    public string LoginUrls => $"{GrpcUrl(Ports[3])},{GrpcUrl(Ports[4])}";

    public string ChatA => $"tls://127.0.0.1:{Ports[6]}";

    /// <summary>Cell a's extra chat server ("a#1").</summary>
    public string ChatA1 => $"tls://127.0.0.1:{Ports[7]}";

    /// <summary>Cell a's extra chat server's gRPC endpoint (pushes from home, Status).</summary>
    public string ChatA1Grpc => GrpcUrl(Ports[8]);

    /// <summary>The PKI `up` keeps in the repository's data folder.</summary>
    public PkiLayout Pki => UpRun.Pki;

    /// <summary>The cluster CA `up` created (in the repository's data/pki): what devices trust.</summary>
    public X509Certificate2 Ca => UpRun.Ca;

    private string CaPath => Pki.CaCertificate;

    private PortReservation Ports => _run.Ports;

    public async Task InitializeAsync()
    {
        var peer = Url(Ports[1]);
        _run.Host.Start(new ProcessSpec("etcd", "etcd",
            ["--name", "n1", "--data-dir", Path.Combine(TempDir, "etcd"),
             "--listen-client-urls", EtcdUrl, "--advertise-client-urls", EtcdUrl,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"n1={peer}"])
        { WorkingDirectory = TempDir });
        File.WriteAllText(TopologyPath, $$"""
            { "version": 1, "master": { "grpc": "{{MasterUrl}}" },
              "login": [ { "http": "{{GrpcUrl(Ports[3])}}" }, { "http": "{{GrpcUrl(Ports[4])}}" } ],
              "cells": [
                { "id": "a", "region": "eu", "ranges": [ { "first": 10000000, "last": 10999999 } ],
                  "grpc": "{{GrpcUrl(Ports[5])}}", "chat": [ "{{ChatA}}" ],
                  "chatServers": [ { "chat": "{{ChatA1}}", "grpc": "{{GrpcUrl(Ports[8])}}" } ],
                  "database": { "provider": "sqlite", "connection": "Data Source={{TempDir}}/cell-a.db" } },
                { "id": "b", "region": "us", "ranges": [ { "first": 11000000, "last": 11999999 } ],
                  "grpc": "{{GrpcUrl(Ports[9])}}", "chat": [ "tls://127.0.0.1:{{Ports[10]}}" ],
                  "database": { "provider": "sqlite", "connection": "Data Source={{TempDir}}/cell-b.db" } } ] }
            """);
        var up = _run.StartUp(["--topology", TopologyPath], new Dictionary<string, string>
        {
            ["IMCELLS_Hlr__PasswordIterations"] = "1000",
            ["IMCELLS_Chat__HeartbeatSeconds"] = "2",
            ["IMCELLS_Discovery__Provider"] = "etcd",
            ["IMCELLS_Discovery__Etcd"] = EtcdUrl,
            ["IMCELLS_Discovery__TtlSeconds"] = "3",
        });

        using var ready = new CancellationTokenSource(ReadyTimeout);
        try
        {
            // `up` creates the CA before it starts the servers; until then there is nothing to trust.
            await Readiness.EnsureAsync("both cells up", async ct =>
            {
                if (!File.Exists(CaPath))
                {
                    return false;
                }

                using var api = new ImCells.Client.LoginApi(LoginUrls, Ca);
                return (await api.StatusAsync(ct)).Cells is { Count: 2 } cells && cells.All(c => c.Up);
            }, up, ReadyTimeout, ready.Token, TimeSpan.FromMilliseconds(300));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw await _run.DidNotComeUpAsync(e);
        }
    }

    /// <summary>Everything etcd, `up` and the servers `up` started printed (the last lines).</summary>
    public string Logs() => _run.Log.Dump();

    /// <summary>The PID of a server of this cluster (its command line names our master or our folder) that contains all of <paramref name="parts"/>; 0 if none.</summary>
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
                    && parts.All(p => cmdline.Contains(p, StringComparison.Ordinal)))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return 0;
    }

    public async Task DisposeAsync() => await _run.DisposeAsync();

    /// <summary>etcd's URLs, and the login servers' (plaintext on loopback until the client library speaks TLS).</summary>
    private static string Url(int port) => $"http://127.0.0.1:{port}";

    /// <summary>Server-to-server gRPC: mutual TLS only.</summary>
    private static string GrpcUrl(int port) => $"https://127.0.0.1:{port}";
}
