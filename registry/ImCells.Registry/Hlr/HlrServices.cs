using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImCells.Registry.Hlr;

public static class HlrServices
{
    /// <summary>
    /// <see cref="HlrOptions"/> bound from "Hlr", checked at start, and registered as the validated
    /// value (consumers take <see cref="HlrOptions"/>). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddImCellsHlrOptions(this IServiceCollection services)
    {
        services.AddOptions<HlrOptions>().BindConfiguration(HlrOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HlrOptions>, HlrOptionsValidation>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<HlrOptions>>().Value);
        return services;
    }
}
