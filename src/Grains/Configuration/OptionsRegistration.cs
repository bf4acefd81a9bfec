using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>How every subsystem registers its options: bound from one configuration section, validated at start-up.</summary>
public static class OptionsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, checked by <typeparamref name="TValidator"/> when
    /// the host starts. Registering the same options again changes nothing, so each subsystem can ask for the options it
    /// reads (the data directory, say) without binding them twice.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section, e.g. <c>Handler</c> or <c>Handler:Supersede</c>.</param>
    /// <param name="configure">Further configuration (post-configuration from environment variables, defaults), applied once.</param>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(
        this IServiceCollection services, string section, Action<OptionsBuilder<TOptions>>? configure = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationType == typeof(TValidator)))
        {
            return services;
        }

        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        var options = services.AddOptions<TOptions>().BindConfiguration(section);
        configure?.Invoke(options);
        options.ValidateOnStart();
        return services;
    }
}
