using ImCells.Registry.Hlr;
using Microsoft.Extensions.Options;

namespace ImCells.Cell.Accounts;

/// <summary>
/// How a cell guards its numbers against password guessing, and how long it remembers registration
/// request ids. Bound from "Accounts", checked at start. Read by the cell that homes the number, so
/// every login server shares one count (see <see cref="LoginFailurePolicy"/>).
/// </summary>
internal sealed class AccountsOptions
{
    public const string Section = "Accounts";

    /// <summary>The failed login in a row that locks a number (the earlier ones are answered as wrong), 1..100 (default 5).</summary>
    public int FailuresBeforeLock { get; set; } = 5;

    /// <summary>How long that failure locks the number, 1..86400 seconds (default 60); each further failure locks twice as long.</summary>
    public int LockSeconds { get; set; } = 60;

    /// <summary>The longest lock, LockSeconds..86400 seconds (default 900).</summary>
    public int MaxLockSeconds { get; set; } = 900;

    /// <summary>Failures are forgotten this long after the last one (a success forgets them at once), 1..720 hours, at least MaxLockSeconds (default 24).</summary>
    public int FailureMemoryHours { get; set; } = 24;

    /// <summary>How long a registration request id is remembered for retries, 1..720 hours (default 24).</summary>
    public int RequestIdHours { get; set; } = 24;

    public LoginFailurePolicy Policy => new(
        FailuresBeforeLock, TimeSpan.FromSeconds(LockSeconds), TimeSpan.FromSeconds(MaxLockSeconds), TimeSpan.FromHours(FailureMemoryHours));
}

/// <summary>The rules for <see cref="AccountsOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class AccountsOptionsValidation : IValidateOptions<AccountsOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountsOptions o)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (o.FailuresBeforeLock is < 1 or > 100)
        {
            errors.AddError($"Accounts:FailuresBeforeLock = {o.FailuresBeforeLock}: must be 1..100");
        }

        if (o.LockSeconds is < 1 or > 86_400)
        {
            errors.AddError($"Accounts:LockSeconds = {o.LockSeconds}: must be 1..86400");
        }

        if (o.MaxLockSeconds < o.LockSeconds || o.MaxLockSeconds > 86_400)
        {
            errors.AddError($"Accounts:MaxLockSeconds = {o.MaxLockSeconds}: must be Accounts:LockSeconds ({o.LockSeconds})..86400");
        }

        if (o.FailureMemoryHours is < 1 or > 720 || o.FailureMemoryHours * 3600L < o.MaxLockSeconds)
        {
            errors.AddError($"Accounts:FailureMemoryHours = {o.FailureMemoryHours}: must be 1..720 and at least Accounts:MaxLockSeconds ({o.MaxLockSeconds} s)");
        }

        if (o.RequestIdHours is < 1 or > 720)
        {
            errors.AddError($"Accounts:RequestIdHours = {o.RequestIdHours}: must be 1..720");
        }

        return errors.Build();
    }
}
