using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 5 and DESIGN.md §7: a foreign user's profile is cached in the reading cell's VLR, and the
/// home cell invalidates that cache before a profile change is answered, so the very next read
/// anywhere sees the change.
/// </summary>
[Collection("cluster")]
public sealed class ProfileTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ProfileChangeInCellA_VisibleInCellBsNextGetProfile()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((alice, aliceClient), (_, bobClient), (_, carolClient)) = await users.ConnectAsync("alice@a", "bob@b", "carol@c");

            var first = new Profile { Nickname = "alice-1", StatusText = "first", AvatarUrl = "https://example.org/a1.png" };
            first.Details["city"] = "Lisbon";
            var stored = await aliceClient.SetProfileAsync(first, ct);
            Assert.Equal("alice-1", stored.Nickname);
            Assert.Equal(alice, stored.UserId);
            Assert.Equal("alice", stored.Name);

            // bob (b) reads it through a: now it sits in b's VLR.
            var atBob = await bobClient.GetProfileAsync(alice, ct);
            Assert.Equal("alice-1", atBob.Nickname);
            Assert.Equal("first", atBob.StatusText);
            Assert.Equal("https://example.org/a1.png", atBob.AvatarUrl);
            Assert.Equal("Lisbon", atBob.Details["city"]);
            Assert.Equal("a", atBob.HomeCell);
            var statusB = await cluster.Api.CellStatusAsync("b", ct);
            output.WriteLine($"cell b VLR entries after bob's read: {statusB.VlrEntries}");
            Assert.True(statusB.VlrEntries >= 1, $"cell b caches no profile after reading one from cell a: {statusB}");
            Assert.Equal("alice-1", (await bobClient.GetProfileAsync(alice, ct)).Nickname);
            Assert.Equal("alice-1", (await carolClient.GetProfileAsync(alice, ct)).Nickname);

            // Each change is visible in b's (and c's) very next read: no waiting in between.
            for (var round = 2; round <= 5; round++)
            {
                var nickname = $"alice-{round}";
                await aliceClient.SetProfileAsync(new Profile { Nickname = nickname, StatusText = $"round {round}" }, ct);
                var next = await bobClient.GetProfileAsync(alice, ct);
                Assert.Equal(nickname, next.Nickname);
                Assert.Equal($"round {round}", next.StatusText);
                Assert.Empty(next.Details);
                Assert.Equal(nickname, (await carolClient.GetProfileAsync(alice, ct)).Nickname);
                Assert.Equal(nickname, (await aliceClient.GetProfileAsync(alice, ct)).Nickname);
            }

            output.WriteLine($"cell b VLR entries at the end: {(await cluster.Api.CellStatusAsync("b", ct)).VlrEntries}");

            var missing = await Assert.ThrowsAsync<ImClientException>(() => bobClient.GetProfileAsync(10_999_997, ct));
            Assert.Equal(ErrorCode.NotFound, missing.Code);
        });
    }
}
