using ImCells.Server.Hosting;
using ImCells.Trust;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Security;

public static partial class TlsServices
{
    /// <summary>
    /// This process's TLS identity: the "Tls" settings (checked at start), its <see cref="ClusterCredentials"/>
    /// (certificate, key and cluster CA for <paramref name="self"/>, loaded in a startup step, so a missing
    /// file or a key readable by others stops the server with one line), and the refusal log of its
    /// mutual-TLS endpoints. Add it before any step that talks to another process.
    /// </summary>
    public static IServiceCollection AddImCellsTls(this IServiceCollection services, Func<IServiceProvider, ClusterIdentity> self)
    {
        services.AddValidatedOptions<TlsOptions, TlsOptionsValidation>(TlsOptions.Section);
        services.AddSingleton(sp => TlsCredentials.Load(sp.GetRequiredService<TlsOptions>(), self(sp)));
        services.AddSingleton<TlsRefusals>();
        return services.AddStartupStep((sp, _) =>
        {
            var credentials = sp.GetRequiredService<ClusterCredentials>();
            var options = sp.GetRequiredService<TlsOptions>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TlsServices));
            var (certificate, _, ca) = options.PathsFor(credentials.Identity);
            Loaded(logger, credentials.Identity.ToString(), certificate, ca, credentials.Certificate.NotAfter);
            if (options.AllowPlaintext)
            {
                PlaintextSetting(logger);
            }

            return Task.CompletedTask;
        });
    }

    [LoggerMessage(1, LogLevel.Information, "TLS identity {Identity} from {Certificate} (valid until {NotAfter:yyyy-MM-dd}), trusting the CA {Ca}")]
    private static partial void Loaded(ILogger logger, string identity, string certificate, string ca, DateTime notAfter);

    [LoggerMessage(2, LogLevel.Warning, "Tls:AllowPlaintext=true: login and chat endpoints may listen without TLS on any address")]
    private static partial void PlaintextSetting(ILogger logger);
}
