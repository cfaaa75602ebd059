using ImCells.Login;
using ImCells.Server.Hosting;
using ImCells.Server.Observability;

var builder = HostingExtensions.CreateServerBuilder(args);
builder.Services.AddImCellsLogin(builder.Configuration);
var app = builder.Build();
app.MapGrpcService<LoginGrpcService>();
// The login port is for devices: grpc.health.v1 is open there (a load balancer's probe), no reflection.
app.MapImCellsAdmin(publicPort: true);
return await app.RunServerAsync("login", LoginServices.Listening);
