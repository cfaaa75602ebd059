using ImCells.Server.Discovery;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Login;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = HostingExtensions.CreateServerBuilder(args);
using var bootLog = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
var topology = await ClusterServices.BootstrapTopologyAsync(builder.Configuration, bootLog.CreateLogger("login"));

var options = builder.Configuration.GetSection("Login").Get<LoginOptions>() ?? new LoginOptions();
var listen = options.Listen ?? topology.Map.Login[0].Http;
builder.WebHost.ConfigureKestrel(k => k.Listen(Endpoints.FromUrl(listen), o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
builder.Services.AddImCellsCluster(builder.Configuration, topology);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton<FailedLoginThrottle>();
var discovery = builder.Configuration.DiscoveryOptions();
builder.Services.AddSingleton(discovery);
if (discovery.UsesEtcd)
{
    builder.Services.AddSingleton<EtcdDiscovery>();
    builder.Services.AddSingleton<IDiscovery>(sp => sp.GetRequiredService<EtcdDiscovery>());
    builder.Services.AddHostedService(sp => sp.GetRequiredService<EtcdDiscovery>());
}
else
{
    builder.Services.AddSingleton<ChatServerLoads>();
    builder.Services.AddSingleton<IDiscovery>(sp => sp.GetRequiredService<ChatServerLoads>());
    builder.Services.AddHostedService(sp => sp.GetRequiredService<ChatServerLoads>());
}

var app = builder.Build();
app.MapGrpcService<LoginGrpcService>();
return await app.RunServerAsync("login", $"{listen} (topology version {topology.Version})");
