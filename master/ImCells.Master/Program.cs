using ImCells.Master;
using ImCells.Server.Hosting;
using ImCells.Server.Observability;

var builder = HostingExtensions.CreateServerBuilder(args);
builder.Services.AddImCellsMaster();
var app = builder.Build();
app.MapGrpcService<MasterGrpcService>();
app.MapImCellsAdmin();
return await app.RunServerAsync("master", MasterServices.Listening);
