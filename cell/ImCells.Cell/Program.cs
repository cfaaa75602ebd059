using System.Globalization;
using ImCells.Cell;
using ImCells.Server.Hosting;

// ICU is loaded for Unicode normalisation only: messages and numbers stay as in every other server, whatever the locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
var builder = HostingExtensions.CreateServerBuilder(args);
// --chat-server N runs one of the cell's extra chat servers (connections only) instead of the cell.
var chatServer = int.TryParse(builder.Configuration["Cell:ChatServer"], out var n) && n > 0;
var role = (chatServer ? $"chat server {builder.Configuration["Cell:Id"]}#{n}" : $"cell {builder.Configuration["Cell:Id"]}").Trim();
_ = chatServer ? builder.Services.AddImCellsChatServer(builder.Configuration) : builder.Services.AddImCellsCell(builder.Configuration);
var app = builder.Build();
if (chatServer)
{
    app.MapChatServerServices();
}
else
{
    app.MapCellServices();
}

return await app.RunServerAsync(role, sp => sp.GetRequiredService<CellSite>().Listening());
