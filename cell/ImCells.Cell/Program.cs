using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Grpc;
using ImCells.Common;
using ImCells.Common.Hosting;
using ImCells.Registry.Hlr;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = HostingExtensions.CreateServerBuilder(args);
using var bootLog = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
var log = bootLog.CreateLogger("cell");
var cellId = builder.Configuration["Cell:Id"];
if (string.IsNullOrEmpty(cellId))
{
    Console.Error.WriteLine("cell: --cell ID is required");
    return 2;
}

var topology = await ClusterServices.BootstrapTopologyAsync(builder.Configuration, log);
var self = topology.FindCell(cellId);
if (self is null)
{
    Console.Error.WriteLine($"cell: cell '{cellId}' is not in topology version {topology.Version}");
    return 2;
}

var chatOptions = builder.Configuration.GetSection("Chat").Get<ChatOptions>() ?? new ChatOptions();
chatOptions.Validate();
var hlrOptions = builder.Configuration.GetSection("Hlr").Get<HlrOptions>() ?? new HlrOptions();
hlrOptions.Provider = self.Database.Provider;
hlrOptions.Connection = string.IsNullOrEmpty(hlrOptions.Connection) ? self.Database.Connection : hlrOptions.Connection;
await using var database = await HlrDatabase.OpenAsync(hlrOptions, log, CancellationToken.None);

builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(Endpoints.FromUrl(self.Grpc), o => o.Protocols = HttpProtocols.Http2);
    foreach (var chat in self.Chat)
    {
        k.Listen(Endpoints.ParseHostPort(chat), o => o.UseConnectionHandler<ChatConnectionHandler>());
    }
});
builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
builder.Services.AddImCellsCluster(builder.Configuration, topology);
builder.Services.AddImCellsCell(new CellIdentity(self.Id), database, hlrOptions, chatOptions);

var app = builder.Build();
app.MapGrpcService<CellGrpcService>();
return await app.RunServerAsync($"cell {self.Id}", $"grpc {self.Grpc}, chat {string.Join(", ", self.Chat)}, database {hlrOptions.Connection}");
