using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using ImCells.ClusterHost;
using ImCells.Tests.Shared;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 18: every server of the test cluster runs with --admin. /healthz and /info answer; /metrics
/// of a cell moves while real clients chat through it; /readyz turns 503 while the cell's database is
/// down and 200 when it is back; grpc.health.v1 and reflection answer a cluster certificate on the
/// internal port, and nobody without one.
/// </summary>
[Collection("cluster")]
public sealed class AdminEndpointTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StateChange = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryServer_AnswersHealthzAndInfo()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var pids = cluster.Servers.Pids();
            foreach (var (name, role, cell) in new[] { ("master", "master", null), ("login 1", "login", null), ("cell a", "cell", "a"), ("cell b", "cell", (string?)"b") })
            {
                using var admin = new AdminScrape(cluster.Layout.AdminUrl(name)!);
                var (status, body) = await admin.GetAsync("/healthz", ct);
                Assert.Equal(HttpStatusCode.OK, status);

                var info = await admin.JsonAsync("/info", ct);
                output.WriteLine($"{name}: /healthz {(int)status} {body}; /info {info}");
                Assert.Equal(name, info.GetProperty("name").GetString());
                Assert.Equal(role, info.GetProperty("role").GetString());
                Assert.Equal(pids[name], info.GetProperty("pid").GetInt32());
                Assert.Equal(TimeSpan.Zero, info.GetProperty("startedAt").GetDateTimeOffset().Offset);
                Assert.False(string.IsNullOrEmpty(info.GetProperty("version").GetString()));
                if (cell is null)
                {
                    Assert.False(info.TryGetProperty("cell", out _));
                }
                else
                {
                    Assert.Equal(cell, info.GetProperty("cell").GetString());
                }

                // Ready: every server of a running cluster; the gRPC-only paths are not on the admin port.
                var ready = await admin.JsonAsync("/readyz", ct);
                output.WriteLine($"{name}: /readyz {ready}");
                Assert.Contains(ready.GetProperty("status").GetString(), new[] { "Healthy", "Degraded" });
                Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/nothing", ct)).Status);
            }
        });
    }

    [Fact]
    public async Task ChatRun_MovesMessageCounterAndSendAckHistogram()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            using var admin = new AdminScrape(cluster.Layout.AdminUrl("cell a")!);
            var ((bob, bobClient), (alice, aliceClient)) = await users.ConnectAsync("bob@a", "alice@a");
            var before = await admin.MetricsAsync(ct);

            const int Count = 20;
            for (var i = 0; i < Count; i++)
            {
                await aliceClient.SendAsync(bob, $"metrics {i}", ct: ct);
            }

            await Receive.ExactlyAsync(bobClient.Messages, alice, Count, Delivery, ct);
            var after = await admin.MetricsAsync(ct);

            double Moved(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
            output.WriteLine($"received +{Moved("imcells_messages_received_total")}, delivered +{Moved("imcells_messages_delivered_total")}, "
                + $"send->ack count +{Moved("imcells_send_ack_latency_seconds_count")}, sum +{Moved("imcells_send_ack_latency_seconds_sum")}, "
                + $"connections {after.GetValueOrDefault("imcells_chat_connections")}");
            Assert.True(Moved("imcells_messages_received_total") >= Count);
            Assert.True(Moved("imcells_messages_delivered_total") >= Count);
            Assert.True(Moved("imcells_send_ack_latency_seconds_count") >= Count);
            Assert.True(Moved("imcells_send_ack_latency_seconds_sum") > 0);
            Assert.True(after.GetValueOrDefault("imcells_send_ack_latency_seconds_bucket{le=\"+Inf\"}") >= Count);
            Assert.True(after.GetValueOrDefault("imcells_chat_connections") >= 2);
            Assert.True(Moved("imcells_store_commit_batch_size_count") > 0);
            // Every other cell has its outbox series, 0 when nothing waits.
            Assert.Contains("imcells_outbox_depth{target_cell=\"b\"}", after.Keys);
            Assert.Contains("imcells_outbox_oldest_age_seconds{target_cell=\"b\"}", after.Keys);
            // The readiness checks run every 10 s in the background; the cell has been up that long when another test ran first.
            Assert.True(await Wait.UntilAsync(async () => (await admin.MetricsAsync(ct)).GetValueOrDefault("imcells_readiness_status{check=\"database\"}") == 2, StateChange, ct),
                "imcells_readiness_status{check=\"database\"} never said healthy");
        });
    }

    [Fact]
    public async Task DatabaseStopped_ReadyzUnhealthy_HealthyWhenBack()
    {
        if (cluster.Layout.PostgresDatabase is null || TestPostgres.ServerDirectory is null)
        {
            output.WriteLine("skipped: no PostgreSQL given (run ./test.sh)");
            return;
        }

        using var admin = new AdminScrape(cluster.Layout.AdminUrl(ServerCommands.CellName(ClusterLayout.PostgresCell))!);
        try
        {
            await cluster.RunAsync(output, Bound, async (users, ct) =>
            {
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/readyz", ct)).Status);

                await TestPostgres.StopServerAsync();
                Assert.True(await Wait.UntilAsync(async () => (await admin.GetAsync("/readyz", ct)).Status == HttpStatusCode.ServiceUnavailable, StateChange, ct),
                    "/readyz of cell b never said 503 while its database was down");
                var down = await admin.JsonAsync("/readyz", ct);
                output.WriteLine($"database down: /readyz {down}");
                Assert.Equal("Unhealthy", down.GetProperty("status").GetString());
                Assert.Equal("Unhealthy", down.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
                Assert.Equal("Healthy", down.GetProperty("checks").GetProperty("topology").GetProperty("status").GetString());
                // Liveness has no dependencies: the process runs.
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz", ct)).Status);

                await TestPostgres.StartServerAsync();
                Assert.True(await Wait.UntilAsync(async () => (await admin.GetAsync("/readyz", ct)).Status == HttpStatusCode.OK, StateChange, ct),
                    "/readyz of cell b did not come back to 200 with its database");
                output.WriteLine($"database back: /readyz {await admin.JsonAsync("/readyz", ct)}");
            });
        }
        finally
        {
            // Never leave the server down for the next test.
            await TestPostgres.StartServerAsync();
        }
    }

    [Fact]
    public async Task GrpcHealthAndReflection_AnswerClusterCertificates_NotStrangers()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var cellA = cluster.Layout.CellGrpcUrl("a");
            using var asOperator = cluster.Api.As(ClusterPki.Operator, cellA);
            using var asLogin = cluster.Api.As(ImCells.Trust.ClusterIdentity.Login(0), cellA);
            using var stranger = ClusterApi.Channel(cellA, clientCertificate: null, ClusterApi.AnyServer);

            var health = await new Health.HealthClient(asOperator).CheckAsync(new HealthCheckRequest(), cancellationToken: ct);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
                (await new Health.HealthClient(asLogin).CheckAsync(new HealthCheckRequest(), cancellationToken: ct)).Status);

            var services = await ListServicesAsync(asOperator, ct);
            output.WriteLine("cell a reflection: " + string.Join(", ", services));
            Assert.Contains("grpc.health.v1.Health", services);
            Assert.Contains(services, s => s.EndsWith(".MessagePeering", StringComparison.Ordinal));

            // Without a cluster certificate nothing gets past the TLS handshake: neither health nor reflection.
            var refused = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(stranger).CheckAsync(new HealthCheckRequest(), cancellationToken: ct).ResponseAsync);
            output.WriteLine($"health without a certificate: {refused.StatusCode}");
            await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(stranger, ct));

            // The login port is for devices: health answers anybody (a load balancer), reflection is not served.
            using var login = GrpcChannel.ForAddress(cluster.Layout.LoginUrl);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
                (await new Health.HealthClient(login).CheckAsync(new HealthCheckRequest(), cancellationToken: ct)).Status);
            Assert.Equal(StatusCode.Unimplemented, (await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(login, ct))).StatusCode);
        });
    }

    private static async Task<List<string>> ListServicesAsync(GrpcChannel channel, CancellationToken ct)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(ct));
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)];
    }
}
