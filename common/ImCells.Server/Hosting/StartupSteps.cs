using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImCells.Server.Hosting;

/// <summary>
/// Work a server must finish before it serves, and that needs the validated settings or the network:
/// fetch the master's map, then choose the listen addresses from it. The steps run one after another
/// in the order they were added, after the settings have been validated (so a bad setting stops the
/// process before any network call) and before any hosted service starts or Kestrel binds.
/// </summary>
/// <remarks>
/// They run in the host's <see cref="IHostedLifecycleService.StartingAsync"/> phase;
/// <see cref="ServerRun"/> runs them just before starting the host instead, so that a failure is one
/// line rather than the host's "Hosting failed to start" error with a stack trace. Either way they run
/// once. Services built before the steps ran (hosted services are built when the host starts) must
/// not read what the steps produce in their constructors, only once they run.
/// </remarks>
public static class StartupSteps
{
    public static IServiceCollection AddStartupStep(this IServiceCollection services, Func<IServiceProvider, CancellationToken, Task> step)
    {
        services.TryAddSingleton<StartupInitializer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StartupInitializer>(sp => sp.GetRequiredService<StartupInitializer>()));
        services.AddSingleton(new StartupStep(step));
        return services;
    }

    /// <summary>
    /// Adds Kestrel's listen addresses in a startup step, from what earlier steps fetched. Kestrel's
    /// options object is created when the app is built, long before the map is known, but its listen
    /// addresses are only read when the server starts, after every startup step.
    /// </summary>
    /// <remarks>
    /// The "Hosting" settings (<see cref="HostingOptions"/>: the bind address) are registered here,
    /// since every server that listens comes this way.
    /// </remarks>
    public static IServiceCollection AddListenAtStartup(this IServiceCollection services, Action<IServiceProvider, KestrelServerOptions> listen) =>
        services.AddValidatedOptions<HostingOptions, HostingOptionsValidation>(HostingOptions.Section)
            .AddStartupStep((sp, _) =>
            {
                listen(sp, sp.GetRequiredService<IOptions<KestrelServerOptions>>().Value);
                return Task.CompletedTask;
            });
}

internal sealed record StartupStep(Func<IServiceProvider, CancellationToken, Task> Run);

/// <summary>Runs the <see cref="StartupStep"/>s once, in the order they were added.</summary>
internal sealed class StartupInitializer(IEnumerable<StartupStep> steps, IServiceProvider services) : IHostedLifecycleService
{
    private readonly Lock _lock = new();
    private Task? _run;

    public Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _run ??= RunStepsAsync(cancellationToken);
        }
    }

    private async Task RunStepsAsync(CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            await step.Run(services, cancellationToken);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
