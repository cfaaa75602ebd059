using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Server.Discovery;
using ImCells.Server.Hosting;
using ImCells.Topology;
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

// A cell just added to topology.json may start before the master has read the file: wait for it.
var topology = await ClusterServices.BootstrapTopologyAsync(builder.Configuration, log);
var waitForSelf = DateTime.UtcNow.AddSeconds(30);
while (topology.FindCell(cellId) is null && DateTime.UtcNow < waitForSelf)
{
    log.LogInformation("Cell {Cell} is not in topology version {Version} yet; waiting for the master", cellId, topology.Version);
    await Task.Delay(500);
    topology = await ClusterServices.BootstrapTopologyAsync(builder.Configuration, log);
}

var self = topology.FindCell(cellId);
if (self is null)
{
    Console.Error.WriteLine($"cell: cell '{cellId}' is not in topology version {topology.Version}");
    return 2;
}

var chatOptions = builder.Configuration.GetSection("Chat").Get<ChatOptions>() ?? new ChatOptions();
chatOptions.Validate();

// --chat-server N: one of the cell's extra chat-server processes, connections only, no database.
var chatServer = builder.Configuration.GetValue<int?>("Cell:ChatServer") ?? 0;
if (chatServer > 0)
{
    if (chatServer > self.ChatServers.Count)
    {
        Console.Error.WriteLine($"cell: cell '{cellId}' has {self.ChatServers.Count} extra chat servers in topology version {topology.Version}, not {chatServer}");
        return 2;
    }

    var server = self.ChatServers[chatServer - 1];
    builder.WebHost.ConfigureKestrel(k =>
    {
        k.Listen(Endpoints.FromUrl(server.Grpc), o => o.Protocols = HttpProtocols.Http2);
        k.Listen(Endpoints.ParseHostPort(server.Chat), o => o.UseConnectionHandler<ChatConnectionHandler>());
    });
    builder.Services.AddGrpc();
    builder.Services.AddImCellsCluster(builder.Configuration, topology);
    var servingId = $"{self.Id}{TopologyIndex.ChatServerMark}{chatServer}";
    builder.Services.AddImCellsChatServer(new CellIdentity(self.Id, servingId), chatOptions);
    builder.Services.AddImCellsChatRegistration(builder.Configuration.DiscoveryOptions(),
        new ChatServerEntry(self.Id, servingId, server.Chat, server.Grpc, 0), sp => () => (uint)sp.GetRequiredService<SessionRegistry>().Connections);
    var chatApp = builder.Build();
    chatApp.MapChatServerServices();
    return await chatApp.RunServerAsync($"chat server {self.Id}#{chatServer}", $"chat {server.Chat}, grpc {server.Grpc}");
}

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
builder.Services.AddImCellsChatRegistration(builder.Configuration.DiscoveryOptions(),
    new ChatServerEntry(self.Id, self.Id, self.Chat[0], self.Grpc, 0), sp => () => (uint)sp.GetRequiredService<SessionRegistry>().Connections);

var app = builder.Build();
app.MapCellServices();
return await app.RunServerAsync($"cell {self.Id}", $"grpc {self.Grpc}, chat {string.Join(", ", self.Chat)}, database {hlrOptions.Connection}");
