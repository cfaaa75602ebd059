using ImCells.Cell.Chat;
using ImCells.Cell.Messaging;
using ImCells.Cell.Presence;
using ImCells.Cell.Roaming;
using ImCells.Cell.Social;
using ImCells.Registry.Hlr;
using ImCells.Registry.Vlr;

namespace ImCells.Cell;

internal static class CellServices
{
    public static IServiceCollection AddImCellsCell(
        this IServiceCollection services, CellIdentity self, HlrDatabase database, HlrOptions hlrOptions, ChatOptions chatOptions)
    {
        services.AddSingleton(self);
        services.AddSingleton(database);
        services.AddSingleton(hlrOptions);
        services.AddSingleton(chatOptions);
        services.AddSingleton<AccountStore>();
        services.AddSingleton<MailboxStore>();
        services.AddSingleton<ReadStateStore>();
        services.AddSingleton<ScheduledStore>();
        services.AddSingleton<MessageRouter>();
        services.AddSingleton<ReadReceipts>();
        services.AddSingleton<Scheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
        services.AddSingleton(_ => new VisitorCache());
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<Notifier>();
        services.AddSingleton<RemoteUsers>();
        services.AddSingleton<MessageIds>();
        services.AddSingleton<OutboxForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxForwarder>());
        services.AddSingleton<SocialStore>();
        services.AddSingleton<FriendCache>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<PresenceFanout>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceFanout>());
        services.AddSingleton<RemotePresence>();
        services.AddHostedService(sp => sp.GetRequiredService<RemotePresence>());
        services.AddHostedService<LastSeenFlusher>();
        services.AddSingleton<SocialService>();
        services.AddSingleton<LocationStore>();
        services.AddSingleton<VisitorLocations>();
        services.AddSingleton<VisitorPushForwarder>();
        services.AddSingleton<RequestHandler>();
        services.AddSingleton<HomeRoaming>();
        services.AddHostedService(sp => sp.GetRequiredService<HomeRoaming>());
        services.AddSingleton<VisitorProxy>();
        services.AddHostedService(sp => sp.GetRequiredService<VisitorProxy>());
        services.AddSingleton<ChatTokens>();
        services.AddSingleton<IChatBackend, CellChatBackend>();
        return services;
    }
}
