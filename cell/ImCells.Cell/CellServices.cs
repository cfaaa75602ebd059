using ImCells.Cell.Accounts;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Cell.FrontDoor;
using ImCells.Cell.Groups;
using ImCells.Cell.Messaging;
using ImCells.Cell.Presence;
using ImCells.Cell.Roaming;
using ImCells.Cell.Social;
using ImCells.Registry.Groups;
using ImCells.Registry.Hlr;
using ImCells.Registry.Vlr;
using ImCells.Server.Discovery;
using ImCells.Server.Hosting;
using ImCells.Server.Observability;
using ImCells.Server.Security;
using ImCells.Topology;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImCells.Cell;

/// <summary>The two ways this process runs: a cell (HLR, every feature), or one of its extra chat servers (connections only).</summary>
internal static class CellServices
{
    /// <summary>
    /// A cell: its users' connections, its HLR (opened at start, after the map names the cell), the
    /// features, and every gRPC role a cell serves.
    /// </summary>
    public static IServiceCollection AddImCellsCell(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChatProcess<CellServingPlace>(configuration)
            .AddReadinessCheck<DatabaseHealthCheck>("database")
            .AddReadinessCheck<PeerCellsHealthCheck>("peers", HealthStatus.Degraded);
        services.AddImCellsGrpc(o =>
        {
            o.MaxReceiveMessageSize = 16 * 1024 * 1024;
            o.Interceptors.Add<DatabaseUnavailableInterceptor>();
        });
        services.AddStartupStep((sp, ct) => sp.GetRequiredService<CellSite>().OpenDatabaseAsync(ct));
        services.AddSingleton(sp => sp.GetRequiredService<CellSite>().Database);
        // The users' logouts, read before the chat port opens: ChatTokens checks them on every Auth.
        services.AddSingleton<RevocationStore>();
        services.AddSingleton<TokenRevocations>();
        services.AddStartupStep((sp, ct) => sp.GetRequiredService<TokenRevocations>().LoadAsync(ct));
        services.AddSingleton<AccountStore>();
        services.AddAccountGuards();
        services.AddSingleton<MailboxStore>();
        services.AddSingleton<ReadStateStore>();
        services.AddSingleton<ScheduledStore>();
        services.AddSingleton<SocialStore>();
        services.AddSingleton<LocationStore>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton<GroupTimeline>();
        services.AddSingleton<GroupFanoutStore>();
        services.AddSingleton<MemberGroupStore>();

        // Delivery to devices (bottom layer).
        services.AddSingleton<Notifier>();
        services.AddSingleton<VisitorLocations>();
        services.AddSingleton<VisitorPushForwarder>();

        // Features.
        services.AddSingleton<MessageIds>();
        services.AddSingleton<RemoteUsers>();
        services.AddSingleton<MessageRouter>();
        services.AddSingleton<ReadReceipts>();
        services.AddSingleton<OutboxForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxForwarder>());
        services.AddHostedService<OutboxGauges>();
        services.AddSingleton<Scheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
        services.AddSingleton<FriendCache>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<PresenceFanout>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceFanout>());
        services.AddSingleton<RemotePresence>();
        services.AddHostedService(sp => sp.GetRequiredService<RemotePresence>());
        services.AddSingleton<DevicePresence>();
        services.AddHostedService<LastSeenFlusher>();
        services.AddSingleton<SocialService>();
        services.AddSingleton<HomeRoaming>();
        services.AddHostedService(sp => sp.GetRequiredService<HomeRoaming>());
        services.AddSingleton<DeviceLogout>();
        services.AddSingleton<WhereLookup>();
        services.AddSingleton<GroupInbox>();
        services.AddSingleton<GroupAdmission>();
        services.AddSingleton<GroupFanout>();
        services.AddHostedService(sp => sp.GetRequiredService<GroupFanout>());
        services.AddSingleton<GroupHome>();
        services.AddSingleton<GroupRequests>();

        // Front door: requests of devices connected here and of this cell's users attached elsewhere.
        services.AddSingleton<RequestHandler>();
        return services.AddListening();
    }

    /// <summary>An extra chat server: connections, tokens, and the way home. No database.</summary>
    public static IServiceCollection AddImCellsChatServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChatProcess<ChatServerServingPlace>(configuration);
        services.AddImCellsGrpc();
        return services.AddListening();
    }

    /// <summary>The gRPC roles a cell serves, each implemented beside the feature it serves.</summary>
    public static void MapCellServices(this WebApplication app)
    {
        app.MapImCellsAdmin();
        app.MapGrpcService<CellAccountsService>();
        app.MapGrpcService<MessagePeeringService>();
        app.MapGrpcService<SocialPeeringService>();
        app.MapGrpcService<PresencePeeringService>();
        app.MapGrpcService<GroupPeeringService>();
        app.MapGrpcService<HomeLocationService>();
        app.MapGrpcService<VisitorPushService>();
        app.MapGrpcService<CellAdminService>();
    }

    /// <summary>An extra chat server serves only the visitor-push role (and its load, in Status).</summary>
    public static void MapChatServerServices(this WebApplication app)
    {
        app.MapImCellsAdmin();
        app.MapGrpcService<VisitorPushService>();
        app.MapGrpcService<ChatServerAdminService>();
    }

    /// <summary>
    /// What both kinds of process share: settings, the master's map and where this process stands in
    /// it, the listen addresses, the chat front door, the way home for devices of other cells, the
    /// etcd registration of its chat endpoint, and the admin endpoint (returned: the cell adds its checks).
    /// </summary>
    private static IHealthChecksBuilder AddChatProcess<TPlace>(this IServiceCollection services, IConfiguration configuration)
        where TPlace : class, IServingPlace
    {
        services.AddCellSettings();
        services.AddImCellsTls(sp => sp.GetRequiredService<CellOptions>().ClusterIdentity);
        services.AddImCellsCluster(configuration);
        services.AddSingleton(sp => sp.GetRequiredService<CellOptions>().Identity);
        services.AddSingleton<CellSite>();
        services.AddStartupStep((sp, ct) => sp.GetRequiredService<CellSite>().FindSelfAsync(ct));

        services.AddSingleton<ChatTokens>();
        services.AddSingleton<ChatListenNames>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton(_ => new VisitorCache());
        services.AddSingleton<VisitorProxy>();
        services.AddHostedService(sp => sp.GetRequiredService<VisitorProxy>());
        services.AddSingleton<IServingPlace, TPlace>();
        services.AddSingleton<IChatBackend, ChatFrontDoor>();
        services.AddImCellsChatRegistration(
            sp =>
            {
                var site = sp.GetRequiredService<CellSite>();
                return new ChatServerEntry(site.Cell.Id, sp.GetRequiredService<CellIdentity>().ServingId, site.Chat[0], site.Grpc, 0);
            },
            sp => () => (uint)sp.GetRequiredService<SessionRegistry>().Connections);
        services.AddHostedService<ConnectionsGauge>();
        return services.AddImCellsAdmin(Describe(configuration)).AddClusterReadiness();
    }

    /// <summary>How /info names this process: "cell a" (role cell), or "chat a#1" (role chat) for an extra chat server.</summary>
    private static ProcessInfo Describe(IConfiguration configuration)
    {
        var cell = configuration["Cell:Id"] ?? "";
        return int.TryParse(configuration["Cell:ChatServer"], out var n) && n > 0
            ? new ProcessInfo($"chat {cell}#{n}", "chat", cell)
            : new ProcessInfo($"cell {cell}", "cell", cell);
    }

    /// <summary>
    /// The listen addresses, from this process's place in the map: the last startup step, since
    /// binding the chat port builds the connection handler and with it everything it uses. gRPC is
    /// mutual TLS; a chat entry "tls://host:port" is TLS with this process's certificate, a bare
    /// "host:port" plaintext (loopback only, unless Tls:AllowPlaintext=true).
    /// </summary>
    private static IServiceCollection AddListening(this IServiceCollection services) =>
        services.AddListenAtStartup((sp, kestrel) =>
        {
            var site = sp.GetRequiredService<CellSite>();
            kestrel.ListenCluster(ListenAddresses.ForUrl(sp, site.Grpc, $"grpc {site.Grpc}"), sp);
            foreach (var chat in site.Chat)
            {
                var (endpoint, tls) = ListenAddresses.ForChat(sp, chat, $"chat endpoint {chat}");
                sp.GetRequiredService<ChatListenNames>().Add(endpoint.Port, chat);
                kestrel.ListenForClients(endpoint, tls, $"chat endpoint {chat}", Endpoints.TlsPrefix + chat, sp,
                    o => o.UseConnectionHandler<ChatConnectionHandler>());
            }
        });

    /// <summary>The "Cell", "Chat", "Accounts", "Groups" and "Hlr" settings, each checked at start and registered as its validated value.</summary>
    internal static IServiceCollection AddCellSettings(this IServiceCollection services)
    {
        services.AddValidatedOptions<CellOptions, CellOptionsValidation>(CellOptions.Section);
        services.AddValidatedOptions<ChatOptions, ChatOptionsValidation>(ChatOptions.Section);
        services.AddValidatedOptions<AccountsOptions, AccountsOptionsValidation>(AccountsOptions.Section);
        services.AddValidatedOptions<GroupOptions, GroupOptionsValidation>(GroupOptions.Section);
        return services.AddImCellsHlrOptions();
    }
}
