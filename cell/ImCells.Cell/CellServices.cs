using ImCells.Cell.Accounts;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Cell.FrontDoor;
using ImCells.Cell.Messaging;
using ImCells.Cell.Presence;
using ImCells.Cell.Roaming;
using ImCells.Cell.Social;
using ImCells.Registry.Hlr;
using ImCells.Registry.Vlr;

namespace ImCells.Cell;

/// <summary>The two ways this process runs: a cell (HLR, every feature), or one of its extra chat servers (connections only).</summary>
internal static class CellServices
{
    /// <summary>A cell: its users' connections, its HLR, the features, and every gRPC role a cell serves.</summary>
    public static IServiceCollection AddImCellsCell(
        this IServiceCollection services, CellIdentity self, HlrDatabase database, HlrOptions hlrOptions, ChatOptions chatOptions)
    {
        services.AddChatFrontDoor<CellServingPlace>(self, chatOptions);
        services.AddSingleton(database);
        services.AddSingleton(hlrOptions);
        services.AddSingleton<AccountStore>();
        services.AddSingleton<MailboxStore>();
        services.AddSingleton<ReadStateStore>();
        services.AddSingleton<ScheduledStore>();
        services.AddSingleton<SocialStore>();
        services.AddSingleton<LocationStore>();

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

        // Front door: requests of devices connected here and of this cell's users attached elsewhere.
        services.AddSingleton<RequestHandler>();
        return services;
    }

    /// <summary>An extra chat server: connections, tokens, and the way home. No database.</summary>
    public static IServiceCollection AddImCellsChatServer(this IServiceCollection services, CellIdentity self, ChatOptions chatOptions) =>
        services.AddChatFrontDoor<ChatServerServingPlace>(self, chatOptions);

    /// <summary>The gRPC roles a cell serves, each implemented beside the feature it serves.</summary>
    public static void MapCellServices(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<CellAccountsService>();
        app.MapGrpcService<MessagePeeringService>();
        app.MapGrpcService<SocialPeeringService>();
        app.MapGrpcService<PresencePeeringService>();
        app.MapGrpcService<HomeLocationService>();
        app.MapGrpcService<VisitorPushService>();
        app.MapGrpcService<CellAdminService>();
    }

    /// <summary>An extra chat server serves only the visitor-push role (and its load, in Status).</summary>
    public static void MapChatServerServices(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<VisitorPushService>();
        app.MapGrpcService<ChatServerAdminService>();
    }

    private static IServiceCollection AddChatFrontDoor<TPlace>(this IServiceCollection services, CellIdentity self, ChatOptions chatOptions)
        where TPlace : class, IServingPlace
    {
        services.AddSingleton(self);
        services.AddSingleton(chatOptions);
        services.AddSingleton<ChatTokens>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton(_ => new VisitorCache());
        services.AddSingleton<VisitorProxy>();
        services.AddHostedService(sp => sp.GetRequiredService<VisitorProxy>());
        services.AddSingleton<IServingPlace, TPlace>();
        services.AddSingleton<IChatBackend, ChatFrontDoor>();
        return services;
    }
}
