using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImCells.Server.Hosting;

public static class ValidatedOptions
{
    /// <summary>
    /// <typeparamref name="T"/> bound from the configuration section <paramref name="section"/>,
    /// checked by <typeparamref name="TValidation"/> at start, and registered as the validated value
    /// (consumers take <typeparamref name="T"/>, read once). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<T, TValidation>(this IServiceCollection services, string section)
        where T : class
        where TValidation : class, IValidateOptions<T>
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidation>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }
}
