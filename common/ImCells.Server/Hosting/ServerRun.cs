using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Hosting;

public static class ServerRun
{
    /// <summary>
    /// Starts the server, says where it listens, and waits for shutdown. A port already in use is
    /// one clear log line and exit code 1, not a stack trace.
    /// </summary>
    public static async Task<int> RunServerAsync(this WebApplication app, string role, string listening)
    {
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            app.Logger.LogCritical("ImCells {Role} cannot start: {Problem}", role, e.Message);
            return 1;
        }

        app.Logger.LogInformation("ImCells {Role} listening: {Where}", role, listening);
        await app.WaitForShutdownAsync();
        return 0;
    }
}
