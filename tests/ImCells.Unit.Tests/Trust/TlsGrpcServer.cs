using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImCells.Unit.Tests.Trust;

/// <summary>
/// One gRPC service on real Kestrel at 127.0.0.1:0, HTTP/2 only: over TLS with
/// <paramref name="certificate"/> (https://), or h2c without one (http://). With a client check the
/// server demands a client certificate and refuses the handshake when the check says no.
/// </summary>
internal sealed class TlsGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsGrpcServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>https://127.0.0.1:port or http://127.0.0.1:port.</summary>
    public string Url { get; }

    public static async Task<TlsGrpcServer> StartAsync<TService>(
        TService service, X509Certificate2? certificate, Func<X509Certificate2, bool>? clientCheck = null)
        where TService : class
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    if (clientCheck is not null)
                    {
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (presented, _, _) => clientCheck(presented);
                    }
                });
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TlsGrpcServer(app, address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
