using ImCells.Registry.Hlr;

namespace ImCells.Cell.Accounts;

/// <summary>
/// Keeps the guessing count and the registration request ids bounded on disk: at start and every
/// hour, deletes failure rows the policy has forgotten and request ids older than Accounts:RequestIdHours.
/// </summary>
internal sealed partial class AccountsHousekeeping(
    LoginFailureStore failures,
    AccountStore accounts,
    AccountsOptions options,
    TimeProvider time,
    ILogger<AccountsHousekeeping> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await PurgeAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var forgotten = await failures.PurgeAsync(cancellationToken);
            var before = time.GetUtcNow().AddHours(-options.RequestIdHours).ToUnixTimeMilliseconds();
            var requests = await accounts.PurgeRegistrationRequestsAsync(before, cancellationToken);
            if (forgotten + requests > 0)
            {
                Purged(logger, forgotten, requests);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PurgeFailed(logger, e.Message);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Forgot {Failures} numbers' old failed logins and {Requests} old registration request ids")]
    private static partial void Purged(ILogger logger, int failures, int requests);

    [LoggerMessage(2, LogLevel.Warning, "Could not purge old failed logins and registration request ids: {Problem}")]
    private static partial void PurgeFailed(ILogger logger, string problem);
}
