using System.Collections.Concurrent;
using Grpc.Core;
using ImCells.Client;
using ImCells.ClusterHost;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Password guessing over both login servers: the home cell counts the failures of a number for
/// every login server, so a burst of guesses gets at most Accounts:FailuresBeforeLock (5) answers
/// before the number is locked; unknown numbers behave alike; each login server limits a source address.
/// The shared cluster runs with Accounts:LockSeconds = 15 and no per-source limits (ClusterServers).
/// </summary>
[Collection("cluster")]
public sealed class GuessingTests(ClusterFixture cluster, ITestOutputHelper output)
{
    /// <summary>docs/SECURITY.md: the 5th failure in a row locks the number.</summary>
    private const int FailuresBeforeLock = 5;

    private const string WrongPassword = "wrong user number or password";
    private const string LockedPrefix = "too many failed logins for this number; try again in ";

    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task TwoHundredParallelGuesses_OverBothLogins_AtMostFiveAnsweredBeforeTheLock()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var victim = await users.RegisterAsync("victim@a");

            var answers = await GuessAsync(victim, 200, ct);

            output.WriteLine($"200 guesses: {answers.Wrong} answered 'wrong password', {answers.Locked} refused as locked, others: {string.Join("; ", answers.Others)}");
            Assert.Empty(answers.Others);
            Assert.InRange(answers.Wrong, 1, FailuresBeforeLock);
            Assert.Equal(200 - answers.Wrong, answers.Locked);

            // The lock holds for the right password too, at either login server.
            using var login2 = new LoginApi(cluster.Layout.Login2Url);
            var refused = await Assert.ThrowsAsync<ImClientException>(() => login2.LoginAsync(victim, TestUsers.Password, "t", ct));
            Assert.Equal(StatusCode.ResourceExhausted, refused.GrpcStatus);
            Assert.StartsWith(LockedPrefix, refused.Message, StringComparison.Ordinal);

            // Once the lock is over, the right password works, and forgets the failures.
            using var login1 = new LoginApi(cluster.Layout.LoginUrl);
            var (result, lockedAnswers) = await LogInOnceUnlockedAsync(login1, victim, ct);
            Assert.Equal("victim", result.Name);
            output.WriteLine($"logged in after {lockedAnswers} more 'locked' answers");
            var fresh = await Assert.ThrowsAsync<ImClientException>(() => login1.LoginAsync(victim, "another guess", "t", ct));
            Assert.Equal(WrongPassword, fresh.Message);
        });
    }

    [Fact]
    public async Task UnknownNumbers_AnswerAndLockLikeARealOne()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var real = await users.RegisterAsync("real@b");
            // Unregistered: one in cell b's range (numbers are handed out from the bottom), one in no range.
            ulong[] numbers = [real, 11_999_990, 99_000_017];

            foreach (var number in numbers)
            {
                var answers = await GuessAsync(number, 40, ct);
                output.WriteLine($"{number}: {answers.Wrong} 'wrong password', {answers.Locked} locked, others: {string.Join("; ", answers.Others)}");
                Assert.Empty(answers.Others);
                Assert.InRange(answers.Wrong, 1, FailuresBeforeLock);
                Assert.Equal(40 - answers.Wrong, answers.Locked);
            }
        });
    }

    [Fact]
    public async Task LoginServerWithSourceLimits_RefusesTheExcessFromOneAddress()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            using var port = PortReservation.Reserve(1);
            var url = $"http://127.0.0.1:{port[0]}";
            const string name = "login limited";
            await cluster.Servers.StartExtraLoginAsync(name, url, new Dictionary<string, string>
            {
                ["IMCELLS_Login__SourceLoginsPerMinute"] = "1",
                ["IMCELLS_Login__SourceLoginBurst"] = "3",
                ["IMCELLS_Login__SourceRegistrationsPerHour"] = "1",
                ["IMCELLS_Login__SourceRegistrationBurst"] = "2",
                ["IMCELLS_Login__SourceLookupsPerMinute"] = "1",
                ["IMCELLS_Login__SourceLookupBurst"] = "30",
            }, ct);
            try
            {
                using var limited = new LoginApi(url);
                var first = await limited.RegisterAsync("limited-1", TestUsers.Password, "a", ct);
                await limited.RegisterAsync("limited-2", TestUsers.Password, "a", ct);
                var register = await Assert.ThrowsAsync<ImClientException>(() => limited.RegisterAsync("limited-3", TestUsers.Password, "a", ct));
                output.WriteLine($"third registration: {register.Message}");
                Assert.Equal(StatusCode.ResourceExhausted, register.GrpcStatus);
                Assert.StartsWith("too many registrations from 127.0.0.1; try again in ", register.Message, StringComparison.Ordinal);

                for (var i = 0; i < 3; i++)
                {
                    Assert.Equal(first, (await limited.LoginAsync(first, TestUsers.Password, "t", ct)).UserId);
                }

                var login = await Assert.ThrowsAsync<ImClientException>(() => limited.LoginAsync(first, TestUsers.Password, "t", ct));
                output.WriteLine($"fourth login: {login.Message}");
                Assert.Equal(StatusCode.ResourceExhausted, login.GrpcStatus);
                Assert.StartsWith("too many logins from 127.0.0.1; try again in ", login.Message, StringComparison.Ordinal);

                // Look-ups (Status, Where) have their own bucket: the readiness polls took some of its 30.
                var lookups = 0;
                ImClientException? refused = null;
                while (refused is null && lookups <= 30)
                {
                    try
                    {
                        await limited.StatusAsync(ct);
                        lookups++;
                    }
                    catch (ImClientException e)
                    {
                        refused = e;
                    }
                }

                output.WriteLine($"look-ups answered before the limit: {lookups}; then: {refused?.Message}");
                Assert.NotNull(refused);
                Assert.Equal(StatusCode.ResourceExhausted, refused.GrpcStatus);
                Assert.StartsWith("too many look-ups from 127.0.0.1; try again in ", refused.Message, StringComparison.Ordinal);
                var where = await Assert.ThrowsAsync<ImClientException>(() => limited.WhereAsync(first, "not-a-token", ct));
                Assert.Equal(StatusCode.ResourceExhausted, where.GrpcStatus);

                // Each login server counts its own sources: the cluster's login 1 still answers.
                using var login1 = new LoginApi(cluster.Layout.LoginUrl);
                Assert.Equal(first, (await login1.LoginAsync(first, TestUsers.Password, "t", ct)).UserId);
            }
            finally
            {
                await cluster.Servers.StopAsync(name);
            }
        });
    }

    /// <summary>
    /// <paramref name="count"/> wrong passwords for <paramref name="number"/> at once, alternating the
    /// two login servers; every answer sorted as wrong password, locked, or anything else.
    /// </summary>
    private async Task<(int Wrong, int Locked, IReadOnlyList<string> Others)> GuessAsync(ulong number, int count, CancellationToken ct)
    {
        using var login1 = new LoginApi(cluster.Layout.LoginUrl);
        using var login2 = new LoginApi(cluster.Layout.Login2Url);
        var others = new ConcurrentQueue<string>();
        var wrong = 0;
        var locked = 0;
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? login1 : login2).LoginAsync(number, $"guess-{i}", "t", ct);
                others.Enqueue($"guess-{i} logged in");
            }
            catch (ImClientException e) when (e.GrpcStatus == StatusCode.Unauthenticated && e.Message == WrongPassword)
            {
                Interlocked.Increment(ref wrong);
            }
            catch (ImClientException e) when (e.GrpcStatus == StatusCode.ResourceExhausted && e.Message.StartsWith(LockedPrefix, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref locked);
            }
            catch (ImClientException e)
            {
                others.Enqueue($"{e.GrpcStatus}: {e.Message}");
            }
        }));
        return (wrong, locked, [.. others]);
    }

    /// <summary>
    /// Tries the right password once a second until the lock (15 s in this cluster) is over, for at
    /// most a minute; every refusal on the way must be the lock.
    /// </summary>
    private static async Task<(LoginResult Result, int LockedAnswers)> LogInOnceUnlockedAsync(LoginApi api, ulong user, CancellationToken ct)
    {
        for (var locked = 0; locked < 60; locked++)
        {
            try
            {
                return (await api.LoginAsync(user, TestUsers.Password, "t", ct), locked);
            }
            catch (ImClientException e) when (e.GrpcStatus == StatusCode.ResourceExhausted && e.Message.StartsWith(LockedPrefix, StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }

        throw new TimeoutException($"user {user} was still locked after 60 tries a second apart");
    }
}
