using ImCells.Login;
using ImCells.Server.Hosting;

var builder = HostingExtensions.CreateServerBuilder(args);
builder.Services.AddImCellsLogin(builder.Configuration);
var app = builder.Build();
app.MapGrpcService<LoginGrpcService>();
return await app.RunServerAsync("login", LoginServices.Listening);
