using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImCells.Server.Hosting;

public static partial class ServerRun
{
    /// <summary>Exit code of a server stopped at start by an invalid setting.</summary>
    public const int InvalidSettingExitCode = 2;

    /// <inheritdoc cref="RunServerAsync(WebApplication, string, Func{IServiceProvider, string})"/>
    public static Task<int> RunServerAsync(this WebApplication app, string role, string listening) =>
        app.RunServerAsync(role, _ => listening);

    /// <summary>
    /// Checks the settings, runs the startup steps, starts the server, says where it listens
    /// (<paramref name="listening"/> is asked once it has started), and waits for shutdown. An invalid
    /// setting is one line per problem on stderr and exit code 2; a <see cref="StartupException"/> one
    /// line and its exit code; a port already in use one log line and exit code 1. No stack traces.
    /// </summary>
    /// <remarks>
    /// The host validates the options marked ValidateOnStart and runs the startup steps itself, but
    /// reports a failure as "Hosting failed to start" with a stack trace; doing both first here keeps
    /// the failure to the lines the operator needs. The host's own later check then passes.
    /// </remarks>
    public static async Task<int> RunServerAsync(this WebApplication app, string role, Func<IServiceProvider, string> listening)
    {
        var invalid = InvalidSettings(app.Services);
        if (invalid.Count > 0)
        {
            foreach (var problem in invalid)
            {
                await Console.Error.WriteLineAsync($"{role}: {problem}");
            }

            return InvalidSettingExitCode;
        }

        try
        {
            if (app.Services.GetService<StartupInitializer>() is { } initializer)
            {
                await initializer.RunAsync(app.Lifetime.ApplicationStopping);
            }

            await app.StartAsync();
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync($"{role}: {e.Message}");
            return e.ExitCode;
        }
        catch (IOException e)
        {
            CannotStart(app.Logger, role, e.Message);
            return 1;
        }

        Listening(app.Logger, role, listening(app.Services));
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>
    /// Builds every options class registered with ValidateOnStart and returns what is wrong, one line
    /// per problem, each naming the setting as the operator writes it (Section:Key), e.g.
    /// "invalid setting Login:TokenLifetimeHours = 0: must be 1..8760". Empty when all is well.
    /// </summary>
    internal static IReadOnlyList<string> InvalidSettings(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures.Select(f => "invalid setting " + f)];
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            return [.. e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures).Select(f => "invalid setting " + f)];
        }
        catch (InvalidOperationException e) when (e.Source == "Microsoft.Extensions.Configuration.Binder")
        {
            // A value of the wrong type, e.g. "Failed to convert configuration value 'abc' at
            // 'Login:SourceLoginBurst' to type 'System.Int32'."
            return ["invalid setting: " + e.Message];
        }
    }

    [LoggerMessage(1, LogLevel.Critical, "ImCells {Role} cannot start: {Problem}")]
    private static partial void CannotStart(ILogger logger, string role, string problem);

    [LoggerMessage(2, LogLevel.Information, "ImCells {Role} listening: {Where}")]
    private static partial void Listening(ILogger logger, string role, string where);
}
