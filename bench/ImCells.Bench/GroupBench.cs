using System.Diagnostics;
using System.Text.Json.Nodes;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>
/// bench group --members N [--online K] [--senders M] [--rate R | --closed-loop] [--seconds D] [--cells a,b]:
/// one group of N pool users homed round robin in the cells, created by member 0 (first cell) and
/// filled 1000 members a request; K members connect over lean connections and M of them post
/// (<see cref="GroupRun"/>). The latency is send → group_new at a member's device, on one clock.
/// </summary>
internal static class GroupBench
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(60);

    public static async Task<JsonObject> RunAsync(BenchArgs args, CancellationToken ct)
    {
        var options = GroupBenchOptions.Parse(args, BenchEnvironment.UserCells);
        using var api = options.Cluster.OpenLogin();
        var (users, registered) = await RegisterAsync(api, options, ct);
        var clock = Stopwatch.StartNew();
        var connected = await LeanLogins.ConnectAllAsync(api, options.Cluster, users.Take(options.Online).ToList(), "bench-group", "group setup", ct);
        var members = connected.Select((c, i) => new GroupMember(i, users[i].Number, c.Cell, c.Connection)).ToArray();
        try
        {
            var group = await CreateGroupAsync(members[0], users, ct);
            var setupSeconds = clock.Elapsed.TotalSeconds;
            var run = new GroupRun(members, options, group.Group, group.HeadSeq);
            var result = (await run.ExecuteAsync(new CpuMeter(options.Cluster, options.Cells), ct)) with
            {
                SetupSeconds = setupSeconds,
                GroupCell = group.HomeCell is { Length: > 0 } home ? home : null,
            };
            var line = result.ToJson();
            line["login_url"] = options.Cluster.LoginUrl;
            line["group_member_count"] = group.MemberCount;
            line["online_by_cell"] = new JsonObject([.. members.CountBy(m => m.Cell).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))]);
            line["register"] = new JsonArray([.. registered.Select(LoginBench.Register)]);
            return line;
        }
        finally
        {
            foreach (var member in members)
            {
                member.Connection.Dispose();
            }
        }
    }

    // The pool users of each cell, interleaved: member i is homed in cell i % cells.
    private static async Task<(BenchUser[] Users, List<RegisterStats> Registered)> RegisterAsync(
        LoginApi api, GroupBenchOptions options, CancellationToken ct)
    {
        var users = new BenchUser[options.Members];
        var registered = new List<RegisterStats>();
        for (var c = 0; c < options.Cells.Count; c++)
        {
            var (cellUsers, stats) = await UserPool.EnsureAsync(options.Cluster, api, options.Cells[c], options.Pool, options.MembersIn(c), LeanLogins.Concurrency, ct);
            registered.Add(stats);
            for (var k = 0; k < cellUsers.Count; k++)
            {
                users[c + (k * options.Cells.Count)] = cellUsers[k];
            }
        }

        return (users, registered);
    }

    // group_create with the first 1000 members besides the creator, then ADD 1000 at a time; the last GroupInfo.
    private static async Task<GroupInfo> CreateGroupAsync(GroupMember creator, BenchUser[] users, CancellationToken ct)
    {
        var others = users.Skip(1).Select(u => u.Number).ToArray();
        var create = new GroupCreateRequest
        {
            Name = $"bench {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}",
            HistoryVisible = true,
            ClientRequestId = Guid.NewGuid().ToString("N"),
        };
        create.Members.Add(others.Take(GroupBenchOptions.MembersPerRequest));
        var info = await AskAsync(creator, new Frame { GroupCreate = create }, ct);
        var added = create.Members.Count;
        await using (new ProgressReporter(() => $"group setup: group {info.Group} has {Volatile.Read(ref added) + 1}/{users.Length} members"))
        {
            while (added < others.Length)
            {
                var add = new GroupMembersChangeRequest { Group = info.Group, Kind = GroupMembersChangeRequest.Types.Kind.Add };
                add.Members.Add(others.Skip(added).Take(GroupBenchOptions.MembersPerRequest));
                info = await AskAsync(creator, new Frame { GroupMembersChange = add }, ct);
                Volatile.Write(ref added, added + add.Members.Count);
            }
        }

        var expected = info.MemberCount == users.Length ? "" : $" (expected {users.Length})";
        Console.Error.WriteLine($"[bench] group {info.Group} (home cell {info.HomeCell}) has {info.MemberCount} members{expected}, head seq {info.HeadSeq}");
        return info;
    }

    // One setup request by the creator, before the read loops run; anything but GroupInfo stops the bench.
    private static async Task<GroupInfo> AskAsync(GroupMember creator, Frame request, CancellationToken ct)
    {
        request.Seq = creator.NextSeq();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(SetupTimeout);
        Frame answer;
        try
        {
            answer = await creator.Connection.RequestAsync(request, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BenchException($"no answer to {request.BodyCase} in {SetupTimeout.TotalSeconds:0} s");
        }

        return answer.BodyCase switch
        {
            Frame.BodyOneofCase.GroupInfo => answer.GroupInfo,
            Frame.BodyOneofCase.Error when answer.Error.Code == ErrorCode.LimitReached =>
                throw new BenchException($"{request.BodyCase} refused: {answer.Error.Message} (the cell's group member limit is below --members?)"),
            Frame.BodyOneofCase.Error => throw new BenchException($"{request.BodyCase} refused: {answer.Error.Code} {answer.Error.Message}"),
            _ => throw new BenchException($"expected GroupInfo for {request.BodyCase}, got {answer.BodyCase}"),
        };
    }
}
