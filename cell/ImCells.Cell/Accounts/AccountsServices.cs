using ImCells.Registry.Hlr;

namespace ImCells.Cell.Accounts;

internal static class AccountsServices
{
    /// <summary>The failed-login count per number (Accounts settings), running registrations, and their hourly purge.</summary>
    public static IServiceCollection AddAccountGuards(this IServiceCollection services)
    {
        services.AddSingleton(sp => new LoginFailureStore(
            sp.GetRequiredService<HlrDatabase>(), sp.GetRequiredService<AccountsOptions>().Policy, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RegistrationsInFlight>();
        services.AddHostedService<AccountsHousekeeping>();
        return services;
    }
}
