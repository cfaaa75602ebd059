using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Master;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = HostingExtensions.CreateServerBuilder(args);
var path = builder.Configuration["Master:Topology"] ?? "topology.json";
TopologyStore store;
try
{
    store = new TopologyStore(path, TimeSpan.FromSeconds(1),
        LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true)).CreateLogger<TopologyStore>());
}
catch (TopologyException e)
{
    Console.Error.WriteLine($"master: {path}: {e.Message}");
    return 1;
}

var listen = Endpoints.FromUrl(store.Current.Map.MasterGrpc);
builder.WebHost.ConfigureKestrel(k => k.Listen(listen, o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
builder.Services.AddSingleton(store);
builder.Services.AddHostedService(sp => sp.GetRequiredService<TopologyStore>());

var app = builder.Build();
app.MapGrpcService<MasterGrpcService>();
return await app.RunServerAsync("master", $"{store.Current.Map.MasterGrpc} (topology version {store.Current.Version})");
