using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ImCells.Client;
using ImCells.Protos.Login;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Growing a running cluster (issue 7): a cell added with the real <c>imcells topology add-cell</c>
/// while everything runs, placement of new users by free numbers, and several login servers.
/// Cells added here stay for the rest of the run (a live cell cannot be dropped).
/// </summary>
[Collection("cluster")]
public sealed class GrowthTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PickUp = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MapPickUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CellUp = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MinWindow = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddCellToRunningCluster_UsersChatAcrossWithoutRestart()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            Assert.DoesNotContain("d", cluster.Layout.CellIds);
            var before = await cluster.Api.StatusAsync(ct);
            var pidsBefore = cluster.Servers.Pids();
            var cellPidsBefore = await CellPidsAsync(before.Cells.Select(c => c.Id), ct);
            var fileVersionBefore = (ulong)cluster.Layout.ReadTopology()["version"]!;
            output.WriteLine($"before: version {before.TopologyVersion}, pids {string.Join(", ", pidsBefore.Select(p => $"{p.Key}={p.Value}"))}");
            Assert.Equal(fileVersionBefore, before.TopologyVersion);

            var watch = Stopwatch.StartNew();
            await AddCellAsync("d", "13000000-13999999", "sa", ct, start: false, groupRange: "93000000-93999999");
            var written = watch.Elapsed;
            output.WriteLine($"add-cell exited after {written.TotalSeconds:0.0} s");

            var cell = cluster.Layout.ReadTopology()["cells"]!.AsArray().Single(c => (string?)c!["id"] == "d")!;
            var version = (ulong)cluster.Layout.ReadTopology()["version"]!;
            Assert.Equal(fileVersionBefore + 1, version);
            Assert.Equal("sa", (string?)cell["region"]);
            Assert.Equal(13_000_000UL, (ulong)cell["ranges"]![0]!["first"]!);
            Assert.Equal(13_999_999UL, (ulong)cell["ranges"]![0]!["last"]!);

            // The new map reaches both login servers and every running cell within 5 s of the write
            // (issue 7); cell d is listed, down until its process starts.
            foreach (var login in new[] { cluster.Layout.LoginUrl, cluster.Layout.Login2Url })
            {
                var status = await WaitAsync(
                    s => s.TopologyVersion == version
                         && s.Cells.Any(c => c.Id == "d")
                         && s.Cells.Where(c => c.Id != "d").All(c => c.Up && c.TopologyVersion == version),
                    $"version {version} at {login} and every running cell", login, written + MapPickUp - watch.Elapsed, ct);
                output.WriteLine($"{login}: version {status.TopologyVersion} everywhere {(watch.Elapsed - written).TotalSeconds:0.0} s after the write");
            }

            var starting = watch.Elapsed;
            await cluster.Servers.StartCellAsync("d", ct);
            foreach (var login in new[] { cluster.Layout.LoginUrl, cluster.Layout.Login2Url })
            {
                var status = await WaitAsync(
                    s => s.TopologyVersion == version && s.Cells.Any(c => c.Id == "d" && c.Up)
                         && s.Cells.All(c => c.Up && c.TopologyVersion == version),
                    $"cell d up with version {version} (seen by {login})", login, starting + CellUp - watch.Elapsed, ct);
                output.WriteLine($"{login}: cell d up (pid {(await cluster.Api.CellStatusAsync("d", ct)).Pid}) {(watch.Elapsed - starting).TotalSeconds:0.0} s after its start");
            }

            var ((dora, doraClient), (alice, aliceClient), (bob, bobClient)) = await users.ConnectAsync("dora@d", "alice@a", "bob@b");
            Assert.InRange(dora, 13_000_000UL, 13_999_999UL);
            Assert.Equal("d", doraClient.CellId);

            var toDora = await aliceClient.SendAsync(dora, "welcome to d", ct: ct);
            var atDora = Assert.Single(await Receive.ExactlyAsync(doraClient.Messages, alice, 1, Delivery, ct));
            Assert.Equal("welcome to d", atDora.Text);
            Assert.Equal(toDora.MessageId, atDora.Id);

            var toAlice = await doraClient.SendAsync(alice, "thanks from d", ct: ct);
            var atAlice = Assert.Single(await Receive.ExactlyAsync(aliceClient.Messages, dora, 1, Delivery, ct));
            Assert.Equal("thanks from d", atAlice.Text);
            Assert.Equal(toAlice.MessageId, atAlice.Id);

            await bobClient.SendAsync(dora, "hello from b", ct: ct);
            Assert.Equal("hello from b", Assert.Single(await Receive.ExactlyAsync(doraClient.Messages, bob, 1, Delivery, ct)).Text);
            await doraClient.SendAsync(bob, "hello b", ct: ct);
            Assert.Equal("hello b", Assert.Single(await Receive.ExactlyAsync(bobClient.Messages, dora, 1, Delivery, ct)).Text);

            // The new cell homes groups from its group range: one created there reaches a and b.
            var group = await doraClient.CreateGroupAsync("from d", [alice, bob], ct: ct);
            Assert.Equal(("d", 93_000_000UL), (group.HomeCell, group.Group));
            var said = await aliceClient.SendGroupAsync(group.Group, "hi all", ct: ct);
            Assert.Contains(said.Seq, (await GroupLive.UntilSeqAsync(bobClient, group.Group, said.Seq, ct)).Select(e => e.Seq));

            // Nothing restarted: the same processes, and each cell reports the pid it had.
            var pidsAfter = cluster.Servers.Pids();
            foreach (var (name, pid) in pidsBefore)
            {
                Assert.True(pidsAfter.TryGetValue(name, out var now) && now == pid,
                    $"{name} was pid {pid} before add-cell and is {(pidsAfter.TryGetValue(name, out var p) ? p.ToString(CultureInfo.InvariantCulture) : "gone")} now");
            }

            var after = await cluster.Api.StatusAsync(ct);
            Assert.Equal(cellPidsBefore, await CellPidsAsync(cellPidsBefore.Keys, ct));

            Assert.Equal(version, after.TopologyVersion);
        });
    }

    [Fact]
    public async Task AddCellOverlappingOrDuplicate_RefusedAndFileUnchanged()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var before = await File.ReadAllBytesAsync(cluster.Layout.TopologyPath, ct);
            var versionBefore = (await cluster.Api.StatusAsync(ct)).TopologyVersion;

            // 12 500 000-12 600 000 lies inside cell c's range.
            var (exit, text) = await cluster.Cli.RunAsync("cli add-cell overlap", CliBound, ct,
                "topology", "add-cell", "--id", "x", "--range", "12500000-12600000", "--topology", cluster.Layout.TopologyPath);
            output.WriteLine($"overlap: exit {exit}: {text}");
            Assert.NotEqual(0, exit);
            Assert.Contains("overlaps", text);
            Assert.Contains("12500000-12600000", text);
            Assert.Contains("'c'", text);
            Assert.Equal(before, await File.ReadAllBytesAsync(cluster.Layout.TopologyPath, ct));

            var (dupExit, dupText) = await cluster.Cli.RunAsync("cli add-cell duplicate", CliBound, ct,
                "topology", "add-cell", "--id", "a", "--range", "90000000-90000999", "--topology", cluster.Layout.TopologyPath);
            output.WriteLine($"duplicate: exit {dupExit}: {dupText}");
            Assert.NotEqual(0, dupExit);
            Assert.Contains("'a'", dupText);
            Assert.Equal(before, await File.ReadAllBytesAsync(cluster.Layout.TopologyPath, ct));
            Assert.False(File.Exists(cluster.Layout.TopologyPath + ".tmp"), "a refused add-cell left topology.json.tmp behind");

            // Nothing moved: the running cluster still serves the old version.
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var after = await cluster.Api.StatusAsync(ct);
            Assert.Equal(versionBefore, after.TopologyVersion);
            Assert.DoesNotContain(after.Cells, c => c.Id == "x");
        });
    }

    [Fact]
    public async Task RegisterWithoutCell_GoesToCellWithMostFreeNumbers()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            // A new, empty cell with twice the numbers of any other: it must be the clear winner.
            await AddCellAsync("e", "14000000-15999999", "af", ct);
            var version = (ulong)cluster.Layout.ReadTopology()["version"]!;
            using (var window = new CancellationTokenSource(PickUp))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, window.Token))
            {
                await cluster.Api.WaitUntilAsync(s => s.TopologyVersion == version && s.Cells.All(c => c.Up),
                    $"version {version} with every cell up", linked.Token);
            }

            using var api = new LoginApi(cluster.Layout.LoginUrl);
            for (var i = 0; i < 3; i++)
            {
                var free = await FreeNumbersAsync(ct);
                output.WriteLine("free numbers: " + string.Join(", ", free.Select(f => $"{f.Key}={f.Value}")));
                var most = free.Values.Max();
                var expected = free.Where(f => f.Value == most).Select(f => f.Key).ToList();
                Assert.Equal(["e"], expected);

                var user = await api.RegisterAsync($"placed-{i}", TestUsers.Password, cell: null, ct);
                var where = await cluster.Api.WhereAsync(user, ct);
                output.WriteLine($"placed-{i}: {user} in cell {where.HomeCell}");
                Assert.Equal("e", where.HomeCell);
                Assert.InRange(user, 14_000_000UL, 15_999_999UL);
            }

            // Registered users count: e's free numbers went down by exactly the three placed there.
            var final = await FreeNumbersAsync(ct);
            Assert.Equal(2_000_000UL - 3, final["e"]);
        });
    }

    [Fact]
    public async Task TwoLoginServers_OneKilled_ClientsStillLogIn()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            // Users whose clients know both login servers.
            var urls = cluster.Layout.LoginUrls;
            await using var failover = new TestUsers(urls, ct);
            var ((bob, bobClient), (alice, aliceClient)) = await failover.ConnectAsync("bob@b", "alice@a");
            await aliceClient.SendAsync(bob, "before", ct: ct);
            Assert.Equal("before", Assert.Single(await Receive.ExactlyAsync(bobClient.Messages, alice, 1, Delivery, ct)).Text);

            var loginPid = cluster.Servers.Pids()[ClusterServers.LoginName(1)];
            await cluster.Servers.KillLoginAsync(1);
            try
            {
                output.WriteLine($"login 1 (pid {loginPid}) killed");

                // Login 1 alone is really gone.
                using (var only1 = new LoginApi(cluster.Layout.LoginUrl))
                {
                    var e = await Assert.ThrowsAsync<ImClientException>(() => only1.StatusAsync(ct));
                    output.WriteLine($"login 1 alone: {e.Message}");
                }

                // Login 1 is listed first: every call must skip it and be answered by login 2.
                var watch = Stopwatch.StartNew();
                var (_, aliceTablet) = await failover.ConnectAsync("alice/tablet");
                output.WriteLine($"alice's tablet logged in after {watch.Elapsed.TotalMilliseconds:0} ms");

                var (carol, carolClient) = await failover.ConnectAsync("carol@c");
                Assert.InRange(carol, 12_000_000UL, 12_999_999UL);
                using var api = new LoginApi(urls);
                var placed = await api.RegisterAsync("placed-anywhere", TestUsers.Password, cell: null, ct);
                Assert.Equal(placed, (await api.WhereAsync(placed, (await api.LoginAsync(placed, TestUsers.Password, "probe", ct)).Token, ct)).UserId);
                Assert.Equal("c", carolClient.CellId);

                await aliceTablet.SendAsync(carol, "from the tablet", ct: ct);
                Assert.Equal("from the tablet", Assert.Single(await Receive.ExactlyAsync(carolClient.Messages, alice, 1, Delivery, ct)).Text);
                await carolClient.SendAsync(bob, "carol here", ct: ct);
                Assert.Equal("carol here", Assert.Single(await Receive.ExactlyAsync(bobClient.Messages, carol, 1, Delivery, ct)).Text);

                // Connections made before the kill never needed the login server.
                await aliceClient.SendAsync(bob, "after", ct: ct);
                Assert.Equal("after", Assert.Single(await Receive.ExactlyAsync(bobClient.Messages, alice, 1, Delivery, ct)).Text);
            }
            finally
            {
                // Every other test uses login 1.
                await cluster.Servers.StartLoginAsync(1, ct);
                output.WriteLine($"login 1 restarted (pid {cluster.Servers.Pids()[ClusterServers.LoginName(1)]})");
            }
        });
    }

    /// <summary>Status from <paramref name="login"/> until <paramref name="done"/> holds; at least one poll, at most <paramref name="window"/>.</summary>
    private async Task<StatusReply> WaitAsync(Func<StatusReply, bool> done, string what, string login, TimeSpan window, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(window > MinWindow ? window : MinWindow);
        return await cluster.Api.WaitUntilAsync(done, what, cts.Token, login);
    }

    /// <summary>
    /// Grows the running cluster with the real <c>imcells topology add-cell</c> (which picks the ports
    /// and writes the database path), then starts the new cell's process on the ports it wrote and
    /// waits until it is reported up (unless <paramref name="start"/> is false). Throws, with the
    /// CLI's output, when add-cell fails. The cell stays for the rest of the run.
    /// </summary>
    private async Task AddCellAsync(string id, string range, string region, CancellationToken ct, bool start = true, string? groupRange = null)
    {
        string[] groups = groupRange is null ? [] : ["--group-range", groupRange];
        var (exit, text) = await cluster.Cli.RunAsync($"cli add-cell {id}", CliBound, ct,
            ["topology", "add-cell", "--id", id, "--range", range, "--region", region, "--topology", cluster.Layout.TopologyPath, .. groups]);
        Assert.True(exit == 0, $"imcells topology add-cell {id} exited {exit}:\n{text}");
        cluster.Layout.AddCellFromTopology(id);
        output.WriteLine($"cell {id} added to topology.json: {text}");
        if (start)
        {
            await cluster.Servers.StartCellAsync(id, ct);
        }
    }

    /// <summary>For each cell that is up: the size of its ranges in topology.json minus the users its own Status reports.</summary>
    private async Task<Dictionary<string, ulong>> FreeNumbersAsync(CancellationToken ct)
    {
        var status = await cluster.Api.StatusAsync(ct);
        var sizes = cluster.Layout.ReadTopology()["cells"]!.AsArray().ToDictionary(
            c => (string)c!["id"]!,
            c => c!["ranges"]!.AsArray().Aggregate(0UL, (sum, r) => sum + ((ulong)r!["last"]! - (ulong)r["first"]! + 1)));
        var free = new Dictionary<string, ulong>();
        foreach (var cell in status.Cells.Where(c => c.Up))
        {
            free[cell.Id] = sizes[cell.Id] - (await cluster.Api.CellStatusAsync(cell.Id, ct)).Users;
        }

        return free;
    }

    /// <summary>The pid each cell reports in its own Status (asked as the operator).</summary>
    private async Task<Dictionary<string, int>> CellPidsAsync(IEnumerable<string> cells, CancellationToken ct)
    {
        var pids = new Dictionary<string, int>();
        foreach (var id in cells)
        {
            pids[id] = (await cluster.Api.CellStatusAsync(id, ct)).Pid;
        }

        return pids;
    }
}
