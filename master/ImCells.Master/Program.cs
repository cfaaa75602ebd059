using ImCells.Master;
using ImCells.Server.Hosting;

var builder = HostingExtensions.CreateServerBuilder(args);
builder.Services.AddImCellsMaster();
var app = builder.Build();
app.MapGrpcService<MasterGrpcService>();
return await app.RunServerAsync("master", MasterServices.Listening);
