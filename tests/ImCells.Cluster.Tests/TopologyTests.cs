using System.Text.Json.Nodes;
using ImCells.Protos.Login;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

[Collection("cluster")]
public sealed class TopologyTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan PickUp = TimeSpan.FromSeconds(5);

    // The master checks topology.json every second; a refused edit is given three checks to show.
    private static readonly TimeSpan BadEditWindow = TimeSpan.FromSeconds(3);

    /// <summary>
    /// DESIGN.md §2: a new version reaches everyone; a bad file is refused and the last good map
    /// stays (served everywhere, cell b's range unchanged); the next good edit is picked up again.
    /// </summary>
    [Fact]
    public async Task TopologyEdit_PickedUpWithin5s_BadEditKeepsLastMap()
    {
        var original = cluster.Layout.ReadTopology();
        await cluster.RunAsync(output, TimeSpan.FromSeconds(90), async (users, ct) =>
        {
            var before = await cluster.Api.StatusAsync(ct);
            var next = before.TopologyVersion + 1;
            var restored = false;
            try
            {
                var edited = cluster.Layout.ReadTopology();
                edited["version"] = next;
                cluster.Layout.WriteTopology(edited);

                var status = await cluster.Api.PollAsync(s => Everywhere(s, next), PickUp, ct);
                Assert.True(status is not null && Everywhere(status, next),
                    $"version {next} not everywhere within {PickUp.TotalSeconds:0} s; last status: {status}");

                // Cell b's range overlapping cell a's: the master must refuse the file. It reports that
                // only in its log, so the API shows it by what does not happen: nothing moves.
                var bad = cluster.Layout.ReadTopology();
                bad["version"] = next + 1;
                bad["cells"]![1]!["ranges"] = new JsonArray(new JsonObject { ["first"] = 10_500_000, ["last"] = 11_999_999 });
                cluster.Layout.WriteTopology(bad);
                var moved = await cluster.Api.PollAsync(s => Moved(s, next), BadEditWindow, ct);
                Assert.True(moved is null || !Moved(moved, next), $"the version moved after a bad edit: {moved}");

                var still = await cluster.Api.StatusAsync(ct);
                Assert.Equal(next, still.TopologyVersion);
                Assert.All(still.Cells, c => Assert.True(c.Up, $"cell {c.Id} down: {c.Error}"));

                // Cell b still owns its old range only: a user placed in b gets a number from it.
                var user = await users.RegisterAsync("after-bad-edit@b");
                Assert.InRange(user, 11_000_000UL, 11_999_999UL);
                Assert.Equal("b", (await cluster.Api.WhereAsync(user, ct)).HomeCell);

                // The master still watches the file: the next good edit is served everywhere.
                var good = original.DeepClone().AsObject();
                good["version"] = next + 2;
                cluster.Layout.WriteTopology(good);
                var after = await cluster.Api.PollAsync(s => Everywhere(s, next + 2), PickUp, ct);
                restored = after is not null && Everywhere(after, next + 2);
                Assert.True(restored, $"version {next + 2} after the refused edit not everywhere within {PickUp.TotalSeconds:0} s; last status: {after}");
            }
            finally
            {
                if (!restored)
                {
                    // Leave a valid file at a version above anything written, and wait until it is served.
                    var restore = original.DeepClone().AsObject();
                    restore["version"] = next + 3;
                    cluster.Layout.WriteTopology(restore);
                    var last = await cluster.Api.PollAsync(s => Everywhere(s, next + 3), TimeSpan.FromSeconds(10), ct);
                    output.WriteLine($"restored: version {last?.TopologyVersion}");
                }
            }
        });
    }

    private static bool Everywhere(StatusReply status, ulong version) =>
        status.TopologyVersion == version && status.Cells.Count > 0 && status.Cells.All(c => c.TopologyVersion == version);

    private static bool Moved(StatusReply status, ulong version) =>
        status.TopologyVersion != version || status.Cells.Any(c => c.Up && c.TopologyVersion != version);
}
