using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 13, memory per connection, over TLS (the cluster `imcells up` starts, tls:// chat): a
/// connection that reads none of its answers is closed as a slow reader through the TLS layer too.
/// </summary>
[Collection("up-cluster")]
public sealed class MemoryTlsTests(UpClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan DropBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task OverTls_HundredSyncsNeverRead_TheConnectionIsDropped()
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        await using var users = new TestUsers(cluster.LoginUrls, ct, cluster.Ca);
        try
        {
            var (_, strangerClient) = await users.ConnectAsync("mallory@a");
            var victim = await users.RegisterAsync("victim@a");
            await MemoryTests.FillAsync(strangerClient, victim, ct);

            var (raw, _) = await RawChatConnection.AuthenticateAsync(cluster.LoginUrls, victim, TestUsers.Password, "greedy", ct, cluster.Ca);
            bool dropped;
            using (raw)
            {
                for (var seq = 2u; seq < 102; seq++)
                {
                    await raw.WriteAsync(new Frame { Seq = seq, Sync = new SyncRequest { FromSeq = 0 } }, ct);
                }

                dropped = await MemoryTests.ClosedWhilePingingAsync(raw, DropBound, ct);
            }

            var slowReader = cluster.Logs().Split('\n').LastOrDefault(l => l.Contains("slow reader", StringComparison.Ordinal));
            output.WriteLine($"dropped: {dropped}; log: {slowReader ?? "(no slow reader line)"}");
            Assert.True(dropped, $"the cell did not close a TLS connection that read none of 100 Sync answers within {DropBound.TotalSeconds:0} s");
            Assert.NotNull(slowReader);
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }
}
