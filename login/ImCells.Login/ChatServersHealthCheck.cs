using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImCells.Login;

/// <summary>
/// Degraded (still ready: logins of the other cells go on) while a chat server of the map does not
/// answer its load probe; the devices of its cell are handed its siblings first.
/// </summary>
internal sealed class ChatServersHealthCheck(ChatServerLoads loads) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var silent = loads.Silent();
        return Task.FromResult(silent.Count == 0
            ? HealthCheckResult.Healthy("every chat server answered its last probe")
            : HealthCheckResult.Degraded($"chat servers not answering: {string.Join(", ", silent)}"));
    }
}
