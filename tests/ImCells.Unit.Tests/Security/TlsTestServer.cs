using System.Net;
using Grpc.Core;
using ImCells.Protos.Master;
using ImCells.Server.Security;
using ImCells.Trust;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImCells.Unit.Tests.Security;

/// <summary>
/// A real Kestrel on 127.0.0.1:0 set up by the server's own listen code, serving a master-shaped
/// gRPC service whose Locate answers with the caller's cluster identity (in cell_id).
/// </summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsTestServer(WebApplication app) => _app = app;

    /// <summary>Calls that reached the service.</summary>
    public int Served => _app.Services.GetRequiredService<CallerEcho.Counter>().Count;

    public long Refused => _app.Services.GetRequiredService<TlsRefusals>().Refused;

    /// <summary>The address Kestrel bound, as https://127.0.0.1:port.</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()
        .Replace("http://", "https://", StringComparison.Ordinal);

    public int Port => new Uri(Url).Port;

    /// <summary>Starts a server with <paramref name="credentials"/> whose listen address is set up by <paramref name="listen"/>.</summary>
    public static async Task<TlsTestServer> StartAsync(
        ClusterCredentials credentials, Action<KestrelServerOptions, IPEndPoint, IServiceProvider> listen, TlsOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(credentials);
        builder.Services.AddSingleton(options ?? new TlsOptions());
        builder.Services.AddSingleton<TlsRefusals>();
        builder.Services.AddSingleton<CallerEcho.Counter>();
        builder.WebHost.ConfigureKestrel(kestrel => listen(kestrel, new IPEndPoint(IPAddress.Loopback, 0), kestrel.ApplicationServices));
        var app = builder.Build();
        app.MapGrpcService<CallerEcho>();
        await app.StartAsync();
        return new TlsTestServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class CallerEcho(CallerEcho.Counter counter) : Protos.Master.Master.MasterBase
    {
        public override Task<LocateReply> Locate(LocateRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref counter.Count);
            return Task.FromResult(new LocateReply { Found = true, CellId = context.Caller()?.ToString() ?? "" });
        }

        public sealed class Counter
        {
            public int Count;
        }
    }
}
