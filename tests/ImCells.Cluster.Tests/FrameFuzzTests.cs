using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 13: a frame fuzzer against cell a's chat port, bounded in count and time. Random bytes and
/// mutated frames of every request kind (<see cref="FrameMutator"/>) before Auth and after it, on
/// raw connections; then cell a must be the same process, have logged no error for any of it, and
/// serve two new users who send and receive. The seed is printed; IMCELLS_FUZZ_SEED replays a run.
/// </summary>
[Collection("cluster")]
public sealed class FrameFuzzTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int DefaultSeed = 20_130_613;
    private const int BeforeAuthConnections = 400;
    private const int AfterAuthFrames = 4000;
    private const int MaxFramesPerConnection = 150;
    private const int Workers = 4;
    private const int MaxFrameBytes = 65536;
    private const uint PingSeq = 0xFFFF_FFF0;
    private static readonly TimeSpan FuzzBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReplyWait = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan AnswerWait = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task RandomAndMutatedFrames_CellStaysUp_AndServesUsersAfterwards()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("IMCELLS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : DefaultSeed;
        output.WriteLine($"fuzz seed {seed} (replay with IMCELLS_FUZZ_SEED={seed})");
        await cluster.RunAsync(output, TimeSpan.FromSeconds(180), async (users, ct) =>
        {
            var pids = cluster.Servers.Pids();
            var mark = cluster.LogMark();
            var (fuzzer, peer) = await users.RegisterAsync("fuzzer@a", "peer@a");
            using var api = new LoginApi(cluster.Layout.LoginUrl);
            var stats = new Stats();
            var clock = Stopwatch.StartNew();

            // Before Auth: one input per connection, several connections at a time.
            var firstLogin = await api.LoginAsync(fuzzer, TestUsers.Password, "fuzz-0", ct);
            var endpoint = firstLogin.ChatEndpoints[0];
            var beforeAuthInputs = BeforeAuthInputs(seed, Corpus(fuzzer, peer), AuthFrame(firstLogin.Token, "fuzz-0"));
            await Parallel.ForEachAsync(beforeAuthInputs, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (input, c) =>
            {
                if (clock.Elapsed < FuzzBound / 4)
                {
                    await SendBeforeAuthAsync(endpoint, input, stats, c);
                }
            });
            output.WriteLine($"before Auth: {stats.Connections} connections in {clock.Elapsed.TotalSeconds:0.0} s");

            // After Auth: each worker its own device (a device's new connection closes its older one).
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(
                () => FuzzAfterAuthAsync(api, endpoint, fuzzer, peer, seed, worker, stats, clock, ct), ct)));
            output.WriteLine($"after Auth: {stats.Summary()} in {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.True(stats.Connections >= 100 && stats.Answered >= 1000,
                $"the fuzzer did too little to mean anything: {stats.Summary()}");

            // The same processes as before, all of them.
            Assert.Equal(pids.OrderBy(p => p.Key), cluster.Servers.Pids().OrderBy(p => p.Key));

            // Nothing the fuzzer sent may fire later into a test that comes after this one.
            await using (var cleanup = await ImClient.ConnectAsync(users.Options(fuzzer, "cleanup"), ct))
            {
                foreach (var pending in await cleanup.ListScheduledAsync(ct))
                {
                    await cleanup.CancelScheduledAsync(pending.ScheduleId, ct);
                }
            }

            // Two new users of cell a talk as if nothing happened.
            var ((carol, carolClient), (dave, daveClient)) = await users.ConnectAsync("carol@a", "dave@a");
            await carolClient.SendAsync(dave, "after the fuzz", ct: ct);
            Assert.Equal("after the fuzz", (await Wait.ForOneAsync(daveClient.Messages, m => m.From == carol, "carol's message", TimeSpan.FromSeconds(20), ct)).Text);
            await daveClient.SendAsync(carol, "still here", ct: ct);
            Assert.Equal("still here", (await Wait.ForOneAsync(carolClient.Messages, m => m.From == dave, "dave's answer", TimeSpan.FromSeconds(20), ct)).Text);

            // Bad input is refused, never an error of the server: no error or critical line, no stack trace.
            var cellLines = cluster.LogSince(mark).Where(l => l.StartsWith("[cell a] ", StringComparison.Ordinal)).ToList();
            output.WriteLine($"cell a logged {cellLines.Count} lines meanwhile");
            var failures = cellLines.Where(l => l.Contains(" fail:", StringComparison.Ordinal) || l.Contains(" crit:", StringComparison.Ordinal)
                || l["[cell a] ".Length..].TrimStart().StartsWith("at ", StringComparison.Ordinal)).Take(20).ToList();
            Assert.True(failures.Count == 0, "cell a logged errors:\n" + string.Join('\n', failures));
        });
    }

    /// <summary>One valid frame of every request kind (and a few responses sent as requests), between the fuzzer and its peer.</summary>
    private static List<Frame> Corpus(ulong fuzzer, ulong peer)
    {
        var soon = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeMilliseconds();
        var profile = new Profile { Nickname = "fuzz", StatusText = "fuzzing", AvatarUrl = "https://example.org/f.png" };
        profile.Details["k"] = "v";
        return
        [
            new() { Seq = 1, Ping = new Ping { ClientTimeMs = 1 } },
            new() { Seq = 2, Send = new SendRequest { To = peer, Text = "hello", ClientMsgId = "c1" } },
            new() { Seq = 3, Send = new SendRequest { To = peer, Text = "later", ClientMsgId = "c2", DeliverAtMs = soon } },
            new() { Seq = 4, Send = new SendRequest { To = fuzzer, Text = new string('t', 3000) } },
            new() { Seq = 5, Sync = new SyncRequest { FromSeq = 0, Limit = 10 } },
            new() { Seq = 6, Ack = new AckRequest { Seq = 1 } },
            new() { Seq = 7, MarkRead = new MarkReadRequest { Peer = peer, Seq = 1 } },
            new() { Seq = 8, History = new HistoryRequest { Peer = peer, BeforeSeq = 0, Limit = 10 } },
            new() { Seq = 9, Conversations = new ConversationsRequest { Limit = 5 } },
            new() { Seq = 10, ListScheduled = new ListScheduledRequest() },
            new() { Seq = 11, CancelScheduled = new CancelScheduledRequest { ScheduleId = "a-s1-1" } },
            new() { Seq = 12, SetSettings = new SetSettingsRequest { ReadReceipts = true } },
            new() { Seq = 13, GetProfile = new GetProfileRequest { User = peer } },
            new() { Seq = 14, SetProfile = new SetProfileRequest { Profile = profile } },
            new() { Seq = 15, FriendRequest = new FriendRequest { To = peer, Message = "hi" } },
            new() { Seq = 16, FriendRespond = new FriendRespondRequest { From = peer, Accept = true } },
            new() { Seq = 17, FriendRemove = new FriendRemoveRequest { Friend = peer } },
            new() { Seq = 18, FriendList = new FriendListRequest() },
            new() { Seq = 19, Block = new BlockRequest { User = peer, Block = false } },
            new() { Seq = 20, SetPresence = new SetPresenceRequest { Presence = Presence.Away } },
            new() { Seq = 21, SetPrivacy = new SetPrivacyRequest { OnlyFriends = false } },
            new() { Seq = 22, Logout = new LogoutRequest { DeviceId = "ghost" } },
            new() { Seq = 23, Pong = new Pong { ClientTimeMs = 1 } },
            new() { Seq = 24, SyncResult = new SyncResult { HeadSeq = 5 } },
            new() { Seq = 25, NewMessage = new NewMessage { Message = new ChatMessage { Text = "x" } } },
            new() { Seq = 26 },
        ];
    }

    private static Frame AuthFrame(string token, string device) => new() { Seq = 1, Auth = new Auth { Token = token, DeviceId = device } };

    private static List<byte[]> BeforeAuthInputs(int seed, List<Frame> corpus, Frame auth)
    {
        var mutator = new FrameMutator(new Random(seed), MaxFrameBytes);
        return [.. Enumerable.Range(0, BeforeAuthConnections).Select(_ => mutator.BeforeAuth(auth, corpus))];
    }

    /// <summary>Connects, sends the input, reads what comes back for a moment (an incomplete frame gets no answer), closes.</summary>
    private static async Task SendBeforeAuthAsync(string endpoint, byte[] input, Stats stats, CancellationToken ct)
    {
        using var connection = await RawChatConnection.ConnectAsync(endpoint, ct);
        Interlocked.Increment(ref stats.Connections);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(ReplyWait);
        try
        {
            await connection.WriteRawAsync(input, wait.Token);
            while (await connection.ReadAsync(wait.Token) is { } reply)
            {
                stats.Count(reply);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The server closed first: what a bad frame gets.
        }
    }

    /// <summary>Authenticated connections, one after another, each fed mutated frames until the server closes it or the batch ends.</summary>
    private async Task FuzzAfterAuthAsync(
        LoginApi api, string endpoint, ulong fuzzer, ulong peer, int seed, int worker, Stats stats, Stopwatch clock, CancellationToken ct)
    {
        var random = new Random(unchecked(seed * 7919 + worker + 1));
        var mutator = new FrameMutator(random, MaxFrameBytes);
        var corpus = Corpus(fuzzer, peer);
        var device = $"fuzz-{worker}";
        var token = (await api.LoginAsync(fuzzer, TestUsers.Password, device, ct)).Token;
        var logins = 1;
        while (Volatile.Read(ref stats.AfterAuthFrames) < AfterAuthFrames && clock.Elapsed < FuzzBound)
        {
            using var connection = await RawChatConnection.ConnectAsync(endpoint, ct);
            Interlocked.Increment(ref stats.Connections);
            await connection.WriteAsync(AuthFrame(token, device), ct);
            var reply = await connection.ReadAsync(ct);
            if (reply?.BodyCase != Frame.BodyOneofCase.AuthOk)
            {
                // A fuzzed Logout revoked this device's tokens (or all of them): log in again, a few times at most.
                Assert.True(reply?.Error?.Code == ErrorCode.BadToken && logins < 50, $"worker {worker}: Auth answered {reply}");
                await Task.Delay(1100, ct); // a token issued in the second of the logout is revoked too
                token = (await api.LoginAsync(fuzzer, TestUsers.Password, device, ct)).Token;
                logins++;
                continue;
            }

            var batch = Enumerable.Range(0, random.Next(1, MaxFramesPerConnection + 1)).Select(_ => mutator.Mutated(corpus[random.Next(corpus.Count)])).ToList();
            using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var answered = new SemaphoreSlim(0);
            var reader = Task.Run(() => ReadUntilPongAsync(connection, stats, answered, reading.Token), ct);
            try
            {
                // Nearly in lockstep, so that frames are not written into a connection the server already closed.
                foreach (var (bytes, _) in batch)
                {
                    if (reader.IsCompleted)
                    {
                        break;
                    }

                    await connection.WriteRawAsync(bytes, ct);
                    Interlocked.Increment(ref stats.AfterAuthFrames);
                    await Task.WhenAny(answered.WaitAsync(AnswerWait, ct), reader); // an incomplete frame gets no answer
                }

                await connection.WriteAsync(new Frame { Seq = PingSeq, Ping = new Ping() }, ct);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // Closed by the server: a frame it could not parse.
            }

            reading.CancelAfter(TimeSpan.FromSeconds(1));
            await reader;
        }
    }

    /// <summary>Counts what the server answers until our final Ping's Pong, a close, or cancellation.</summary>
    private static async Task ReadUntilPongAsync(RawChatConnection connection, Stats stats, SemaphoreSlim answered, CancellationToken ct)
    {
        try
        {
            while (await connection.ReadAsync(ct) is { } frame)
            {
                stats.Count(frame);
                if (frame.BodyCase == Frame.BodyOneofCase.Pong && frame.Seq == PingSeq)
                {
                    return;
                }

                if (!IsNotify(frame))
                {
                    Interlocked.Increment(ref stats.Answered);
                    answered.Release();
                }
            }

            Interlocked.Increment(ref stats.ClosedByServer);
        }
        catch (OperationCanceledException)
        {
            // Our Ping went into a frame whose length was wrong: the server still waits for the rest.
        }
        catch (Exception e) when (e is IOException or SocketException or Google.Protobuf.InvalidProtocolBufferException)
        {
            Interlocked.Increment(ref stats.ClosedByServer);
        }
    }

    private static bool IsNotify(Frame frame) => frame.BodyCase is Frame.BodyOneofCase.NewMessage or Frame.BodyOneofCase.SendFailed
        or Frame.BodyOneofCase.Kicked or Frame.BodyOneofCase.ReadReceipt or Frame.BodyOneofCase.ReadState or Frame.BodyOneofCase.Presence
        or Frame.BodyOneofCase.PresenceSnapshot or Frame.BodyOneofCase.FriendEvent;

    private sealed class Stats
    {
        public int Connections;
        public int AfterAuthFrames;
        public int Answered;
        public int ClosedByServer;
        private readonly ConcurrentDictionary<string, int> _replies = new();

        public void Count(Frame frame) =>
            _replies.AddOrUpdate(frame.BodyCase == Frame.BodyOneofCase.Error ? $"Error {frame.Error.Code}" : frame.BodyCase.ToString(), 1, (_, n) => n + 1);

        public string Summary() =>
            $"{Connections} connections, {AfterAuthFrames} frames after Auth ({Answered} answered), {ClosedByServer} closed by the server; replies: " +
            string.Join(", ", _replies.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}"));
    }
}
