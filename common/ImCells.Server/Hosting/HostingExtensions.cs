using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Hosting;

/// <summary>What every ImCells server process sets up the same way.</summary>
public static class HostingExtensions
{
    /// <summary>Short command-line switches shared by master, login and cell.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--topology"] = "Master:Topology",
        ["--master"] = "MasterUrl",
        ["--listen"] = "Login:Listen",
        ["--login-index"] = "Login:Index",
        ["--cell"] = "Cell:Id",
        ["--chat-server"] = "Cell:ChatServer",
        ["--token-key"] = "Token:KeyFile",
        ["--parent-pid"] = "ParentPid",
        ["--bind"] = "Hosting:BindAddress",
        ["--admin"] = "Hosting:AdminListen",
    };

    public static WebApplicationBuilder CreateServerBuilder(string[] args)
    {
        // The content root is the binaries' folder and configuration files are not watched: with the
        // defaults (content root = working directory, reloadOnChange) every server put a recursive
        // file watcher on the repository, and each write to data/*.db-wal woke it up.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEnvironmentVariables("IMCELLS_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.WebHost.UseSockets(o => o.Backlog = 4096);
        // Connections are closed on stop; nothing should hold a stopping server for long.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var parentPid = builder.Configuration.GetValue<int?>("ParentPid");
        if (parentPid is > 0)
        {
            builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ParentProcessWatch>(sp, parentPid.Value));
        }

        return builder;
    }
}
