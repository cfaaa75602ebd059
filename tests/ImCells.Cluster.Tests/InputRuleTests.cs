using Grpc.Core;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 13, "bad values": every input is checked and refused with a clear error, never an
/// INTERNAL with a stack trace in the cell's log (docs/SECURITY.md, "Hostile clients: input rules").
/// </summary>
[Collection("cluster")]
public sealed class InputRuleTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DeliverAtOutOfRange_BadRequestNamingIt_NoStackTraceInTheCellLog()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (alice, bob) = await users.RegisterAsync("alice@a", "bob@a");
            var before = await RegisterMarkerAsync(users, "before", ct);
            var (connection, _) = await RawChatConnection.AuthenticateAsync(cluster.Layout.LoginUrl, alice, TestUsers.Password, "raw", ct);
            using (connection)
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                long[] times = [long.MaxValue, long.MinValue, -1, 1_700_000_000, now + (long)TimeSpan.FromDays(400).TotalMilliseconds];
                uint seq = 10;
                foreach (var deliverAt in times)
                {
                    await connection.WriteAsync(new Frame { Seq = ++seq, Send = new SendRequest { To = bob, Text = "later", DeliverAtMs = deliverAt } }, ct);
                    var reply = await ReplyAsync(connection, seq, ct);
                    output.WriteLine($"deliver_at_ms {deliverAt}: {reply}");
                    Assert.Equal(Frame.BodyOneofCase.Error, reply?.BodyCase);
                    Assert.Equal(seq, reply!.Seq);
                    Assert.Equal(ErrorCode.BadRequest, reply.Error.Code);
                    Assert.StartsWith($"deliver_at_ms {deliverAt} ", reply.Error.Message, StringComparison.Ordinal);
                }

                // Other numbers out of range: a seq beyond int64, a user 0.
                await connection.WriteAsync(new Frame { Seq = 100, Sync = new SyncRequest { FromSeq = ulong.MaxValue } }, ct);
                Assert.Equal($"from_seq {ulong.MaxValue} is out of range: at most {long.MaxValue}", (await ReplyAsync(connection, 100, ct))?.Error?.Message);
                await connection.WriteAsync(new Frame { Seq = 101, GetProfile = new GetProfileRequest { User = 0 } }, ct);
                Assert.Equal("user is required (a user number, not 0)", (await ReplyAsync(connection, 101, ct))?.Error?.Message);

                // The connection still serves: a send now goes through.
                await connection.WriteAsync(new Frame { Seq = 102, Send = new SendRequest { To = bob, Text = "now" } }, ct);
                Assert.Equal(Frame.BodyOneofCase.SendAck, (await ReplyAsync(connection, 102, ct))?.BodyCase);
            }

            // Log lines of one process come out in order: everything the refusals logged is before this marker.
            var after = await RegisterMarkerAsync(users, "after", ct);
            var lines = await LinesBetweenAsync("cell a", before, after, ct);
            output.WriteLine($"{lines.Count} lines of cell a between the markers");
            Assert.DoesNotContain(lines, line => line.Contains(" fail:", StringComparison.Ordinal) || line.Contains(" crit:", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || line.Contains("Unhandled exception", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task BidiNickname_Refused_NormalisedNicknameStored()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((alice, aliceClient), (_, bobClient)) = await users.ConnectAsync("alice@a", "bob@b");

            foreach (var nickname in (string[])["\u202Eecila", "ali\u200Bce", "a\u2066lice\u2069", "alice\u0007"])
            {
                var refused = await Assert.ThrowsAsync<ImClientException>(() => aliceClient.SetProfileAsync(new Profile { Nickname = nickname }, ct));
                output.WriteLine(refused.Message);
                Assert.Equal(ErrorCode.BadRequest, refused.Code);
                Assert.StartsWith("nickname may not contain ", refused.Message, StringComparison.Ordinal);
            }

            var refusedStatus = await Assert.ThrowsAsync<ImClientException>(() => aliceClient.SetProfileAsync(new Profile { StatusText = "gnp.\u202Eexe" }, ct));
            Assert.StartsWith("status_text may not contain a bidirectional control character (U+202E)", refusedStatus.Message, StringComparison.Ordinal);

            // A decomposed é is stored composed, and that is what another cell reads.
            var stored = await aliceClient.SetProfileAsync(new Profile { Nickname = "  Jose\u0301 " }, ct);
            Assert.Equal("Jos\u00e9", stored.Nickname);
            Assert.Equal("Jos\u00e9", (await bobClient.GetProfileAsync(alice, ct)).Nickname);

            var request = await Assert.ThrowsAsync<ImClientException>(() => bobClient.RequestFriendAsync(alice, "hi \u202Etxt.exe", ct));
            Assert.StartsWith("message may not contain", request.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task BidiRegistrationName_Refused()
    {
        await cluster.RunAsync(output, TestBound, async (_, ct) =>
        {
            using var api = new LoginApi(cluster.Layout.LoginUrl);
            foreach (var name in (string[])["\u202Eecila", "ali\u200Dce", "\u3164", "mallory\uFEFF"])
            {
                var refused = await Assert.ThrowsAsync<ImClientException>(() => api.RegisterAsync(name, TestUsers.Password, "a", ct));
                output.WriteLine(refused.Message);
                Assert.Equal(StatusCode.InvalidArgument, refused.GrpcStatus);
                Assert.StartsWith("name ", refused.Message, StringComparison.Ordinal);
                Assert.Contains("U+", refused.Message, StringComparison.Ordinal);
            }

            var id = await api.RegisterAsync("  Zoe\u0308 ", TestUsers.Password, "a", ct);
            var login = await api.LoginAsync(id, TestUsers.Password, "t", ct);
            Assert.Equal("Zo\u00eb", login.Name);
        });
    }

    /// <summary>The answer to request <paramref name="seq"/>, past notifies (seq 0) such as the presence snapshot; null: closed.</summary>
    private static async Task<Frame?> ReplyAsync(RawChatConnection connection, uint seq, CancellationToken ct)
    {
        while (await connection.ReadAsync(ct) is { } frame)
        {
            if (frame.Seq == seq)
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>Registers a user named after <paramref name="label"/> in cell a: the cell logs it, which marks a place in its log.</summary>
    private static async Task<string> RegisterMarkerAsync(TestUsers users, string label, CancellationToken ct)
    {
        var name = $"marker-{label}-{Guid.NewGuid():N}";
        await users.RegisterAsync($"{name}@a");
        return name;
    }

    /// <summary>The lines <paramref name="server"/> printed after the line naming <paramref name="first"/> and before the one naming <paramref name="last"/>.</summary>
    private async Task<IReadOnlyList<string>> LinesBetweenAsync(string server, string first, string last, CancellationToken ct)
    {
        IReadOnlyList<string> lines = [];
        Assert.True(await Wait.UntilAsync(() => (lines = cluster.Servers.OutputOf(server)).Any(l => l.Contains(last, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), ct), $"{server} never logged {last}");
        var start = lines.ToList().FindIndex(l => l.Contains(first, StringComparison.Ordinal));
        var end = lines.ToList().FindIndex(l => l.Contains(last, StringComparison.Ordinal));
        Assert.True(start >= 0, $"{first} is no longer in the last {lines.Count} lines of {server}");
        return [.. lines.Skip(start + 1).Take(end - start - 1)];
    }
}
