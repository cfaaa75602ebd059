using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

public sealed class LoginFailurePolicyTests
{
    private static readonly LoginFailurePolicy Policy = new(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(35), TimeSpan.FromHours(1));

    [Fact]
    public void FailuresBeforeTheLastFree_AreAdmittedWithoutALock()
    {
        var first = Policy.Reserve(null, 1_000);
        var second = Policy.Reserve(first.State, 2_000);

        Assert.True(first.Admitted);
        Assert.True(second.Admitted);
        Assert.Equal(new LoginFailureState(2, 0, 2_000), second.State);
        Assert.False(second.Locks);
    }

    [Fact]
    public void FailuresBeforeLockTh_IsAdmittedAndLocks()
    {
        var state = Policy.Reserve(Policy.Reserve(null, 0).State, 0).State;

        var third = Policy.Reserve(state, 5_000);

        Assert.True(third.Admitted);
        Assert.True(third.Locks);
        Assert.Equal(new LoginFailureState(3, 15_000, 5_000), third.State);
    }

    [Fact]
    public void WhileLocked_RefusedWithTheTimeLeft_AndNothingCounted()
    {
        var locked = new LoginFailureState(3, 15_000, 5_000);

        var attempt = Policy.Reserve(locked, 11_000);

        Assert.False(attempt.Admitted);
        Assert.Equal(4_000, attempt.LockedMs);
        Assert.Equal(locked, attempt.State);
    }

    [Fact]
    public void EachFailureAfterALock_LocksTwiceAsLong_UpToTheMaximum()
    {
        var state = new LoginFailureState(3, 15_000, 5_000);
        var locks = new List<long>();
        var now = 15_000L;
        for (var i = 0; i < 4; i++)
        {
            var attempt = Policy.Reserve(state, now);
            Assert.True(attempt.Admitted);
            locks.Add(attempt.State.LockedUntilMs - now);
            state = attempt.State;
            now = state.LockedUntilMs;
        }

        Assert.Equal([20_000L, 35_000L, 35_000L, 35_000L], locks);
    }

    [Fact]
    public void AfterTheMemoryWithoutAFailure_CountStartsAgain()
    {
        var old = new LoginFailureState(7, 100_000, 65_000);

        var attempt = Policy.Reserve(old, 65_000 + 3_600_000);

        Assert.True(attempt.Admitted);
        Assert.Equal(1, attempt.State.Failures);
        Assert.Equal(0, attempt.State.LockedUntilMs);
    }

    [Fact]
    public void LockAfter_DoesNotOverflowForHugeCounts()
    {
        Assert.Equal(0, Policy.LockAfter(2));
        Assert.Equal(10_000, Policy.LockAfter(3));
        Assert.Equal(35_000, Policy.LockAfter(int.MaxValue));
        Assert.Equal(35_000, Policy.Reserve(new LoginFailureState(int.MaxValue, 0, 0), 1).State.LockedUntilMs - 1);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var policy = LoginFailurePolicy.Default;

        Assert.Equal(5, policy.FailuresBeforeLock);
        Assert.Equal([0L, 0, 0, 0, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000], Enumerable.Range(1, 10).Select(policy.LockAfter));
    }

    [Fact]
    public void Defaults_AGuesserAsFastAsTheLocksAllow_GetsTheDocumentedGuessesPerHourAndDay()
    {
        // docs/SECURITY.md: 11 in the first hour, 4 an hour after that, 103 in the first day.
        var policy = LoginFailurePolicy.Default;
        LoginFailureState? state = null;
        var guesses = new List<long>();
        var now = 0L;
        while (now < 24 * 3_600_000L)
        {
            var attempt = policy.Reserve(state, now);
            if (attempt.Admitted)
            {
                guesses.Add(now);
                state = attempt.State;
            }
            else
            {
                now += attempt.LockedMs;
            }
        }

        Assert.Equal(11, guesses.Count(t => t < 3_600_000));
        Assert.Equal(4, guesses.Count(t => t >= 10 * 3_600_000L && t < 11 * 3_600_000L));
        Assert.Equal(103, guesses.Count);
    }
}
