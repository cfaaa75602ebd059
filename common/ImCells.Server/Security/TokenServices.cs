using ImCells.Server.Hosting;
using ImCells.Trust;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImCells.Server.Security;

public static class TokenServices
{
    /// <summary>
    /// The "Token" settings (checked at start) and the <see cref="TokenService"/>, whose key file is
    /// read, created or refused in a startup step: a key others may read, a short key or an unreadable
    /// file stops the server with one line and exit code 1, before it waits on anything else.
    /// </summary>
    public static IServiceCollection AddImCellsTokens(this IServiceCollection services)
    {
        services.AddValidatedOptions<TokenOptions, TokenOptionsValidation>(TokenOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<TokenOptions>();
            return new TokenService(LoadKey(options.KeyFile), sp.GetRequiredService<TimeProvider>(), options.MaxAge);
        });
        return services.AddStartupStep((sp, _) =>
        {
            sp.GetRequiredService<TokenService>();
            return Task.CompletedTask;
        });
    }

    private static byte[] LoadKey(string path)
    {
        try
        {
            return TokenKeyFile.LoadOrCreate(path);
        }
        catch (Exception e) when (e is PrivateFileException or InvalidDataException)
        {
            throw new StartupException(e.Message, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"token key file {path}: {e.Message}", inner: e);
        }
    }
}
