using ImCells.Cell.Chat;
using ImCells.Cell.Roaming;
using ImCells.Registry.Vlr;

namespace ImCells.Cell.ChatServer;

internal static class ChatServerServices
{
    /// <summary>What an extra chat-server process needs: connections, tokens, and the way home. No database.</summary>
    public static IServiceCollection AddImCellsChatServer(this IServiceCollection services, CellIdentity self, ChatOptions chatOptions)
    {
        services.AddSingleton(self);
        services.AddSingleton(chatOptions);
        services.AddSingleton<ChatTokens>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton(_ => new VisitorCache());
        services.AddSingleton<VisitorProxy>();
        services.AddHostedService(sp => sp.GetRequiredService<VisitorProxy>());
        services.AddSingleton<IChatBackend, ChatServerBackend>();
        return services;
    }
}
