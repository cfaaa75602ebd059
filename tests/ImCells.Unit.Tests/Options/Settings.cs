using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImCells.Unit.Tests.Options;

/// <summary>Builds options the way a server does: from configuration keys, through the registration extension.</summary>
internal static class Settings
{
    public static ServiceProvider Provider(Action<IServiceCollection> register, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        register(services);
        return services.BuildServiceProvider();
    }

    /// <summary>The validated value as consumers get it.</summary>
    public static T Value<T>(Action<IServiceCollection> register, params (string Key, string Value)[] settings)
        where T : class
    {
        using var provider = Provider(register, settings);
        return provider.GetRequiredService<T>();
    }

    /// <summary>The validation failures (empty when valid).</summary>
    public static IReadOnlyList<string> Failures<T>(Action<IServiceCollection> register, params (string Key, string Value)[] settings)
        where T : class
    {
        using var provider = Provider(register, settings);
        try
        {
            _ = provider.GetRequiredService<IOptions<T>>().Value;
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
    }
}
