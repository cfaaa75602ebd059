using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Hosting;

/// <summary>
/// Stops this server when the process that started it (<c>imcells up</c>, a test fixture) is gone,
/// so a killed parent leaves no orphans listening on the cluster's ports.
/// </summary>
public sealed partial class ParentProcessWatch(int parentPid, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatch> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!Directory.Exists($"/proc/{parentPid}"))
            {
                ParentGone(logger, parentPid);
                lifetime.StopApplication();
                return;
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Parent process {Pid} is gone; stopping")]
    private static partial void ParentGone(ILogger logger, int pid);
}
