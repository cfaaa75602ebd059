namespace ImCells.Registry.Hlr;

/// <summary>The failed-login state of one number: failures in a row, the lock, the last failure (Unix ms).</summary>
public readonly record struct LoginFailureState(int Failures, long LockedUntilMs, long LastFailureMs);

/// <summary>What <see cref="LoginFailurePolicy.Reserve"/> decided for one login attempt.</summary>
/// <param name="Admitted">The password may be checked; the attempt is already counted as a failure.</param>
/// <param name="LockedMs">Not admitted: the number stays locked this many more milliseconds.</param>
/// <param name="State">The state to store (unchanged when not admitted).</param>
public readonly record struct LoginAttempt(bool Admitted, long LockedMs, LoginFailureState State)
{
    /// <summary>This attempt, if it fails, is what locked the number (for the log).</summary>
    public bool Locks => Admitted && State.LockedUntilMs > State.LastFailureMs;
}

/// <summary>
/// How password guessing is slowed, per number: the <see cref="FailuresBeforeLock"/>-th failure in a
/// row locks the number for <see cref="Lock"/>, and every further failure locks it for twice as long
/// as the one before, up to <see cref="MaxLock"/>.
/// While locked no password is checked, not even the right one. A success forgets everything; so
/// does <see cref="Memory"/> without a failure (and without a lock).
/// </summary>
/// <remarks>
/// An attempt is counted as a failure before its password is checked (<see cref="Reserve"/>, run
/// atomically in the HLR's write turn): however many guesses arrive at once, at most
/// <see cref="FailuresBeforeLock"/> are checked before the lock, and a crash between the count and the
/// check costs the guesser, not the count.
/// </remarks>
public sealed record LoginFailurePolicy(int FailuresBeforeLock, TimeSpan Lock, TimeSpan MaxLock, TimeSpan Memory)
{
    /// <summary>The defaults of the Accounts settings: the 5th failure locks for 60 s, the next ones 120 s, 240 s, ... up to 15 min; forgotten after 24 h.</summary>
    public static LoginFailurePolicy Default { get; } = new(5, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(15), TimeSpan.FromHours(24));

    /// <summary>Counts one attempt against <paramref name="state"/> (null: none stored) at <paramref name="nowMs"/>, or refuses it while locked.</summary>
    public LoginAttempt Reserve(LoginFailureState? state, long nowMs)
    {
        if (state is { } locked && nowMs < locked.LockedUntilMs)
        {
            return new LoginAttempt(false, locked.LockedUntilMs - nowMs, locked);
        }

        var failures = state is { } s && nowMs - s.LastFailureMs < (long)Memory.TotalMilliseconds ? s.Failures : 0;
        failures = failures == int.MaxValue ? failures : failures + 1;
        var lockMs = LockAfter(failures);
        return new LoginAttempt(true, 0, new LoginFailureState(failures, lockMs > 0 ? nowMs + lockMs : 0, nowMs));
    }

    /// <summary>How long the <paramref name="failures"/>-th failure in a row locks the number, in ms (0: not at all).</summary>
    public long LockAfter(int failures)
    {
        if (failures < FailuresBeforeLock)
        {
            return 0;
        }

        // Doubling from Lock; the shift is capped so it cannot overflow before MaxLock caps it.
        var doublings = Math.Min(failures - FailuresBeforeLock, 40);
        var ms = (double)(long)Lock.TotalMilliseconds * Math.Pow(2, doublings);
        return (long)Math.Min(ms, MaxLock.TotalMilliseconds);
    }
}
