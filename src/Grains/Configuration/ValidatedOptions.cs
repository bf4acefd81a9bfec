using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>
/// Options read as the host will read them, before the host exists: bound by the subsystems' <c>AddX()</c> methods,
/// post-configured and validated. For composition that needs a value up front (Orleans' ports, the Redis
/// connection) and for <see cref="StartupCheck"/>.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>The options <paramref name="addOptions"/> registers, bound from <paramref name="configuration"/>.</summary>
    /// <exception cref="OptionsValidationException">The settings are invalid (the programs run <see cref="StartupCheck"/> first, which says so line by line).</exception>
    public static TOptions Get<TOptions>(IConfiguration configuration, Action<IServiceCollection> addOptions)
        where TOptions : class
    {
        using var provider = Provider(configuration, addOptions);
        return provider.GetRequiredService<IOptions<TOptions>>().Value;
    }

    /// <summary>A container of <paramref name="addOptions"/>'s registrations over <paramref name="configuration"/>; nothing in it is started.</summary>
    internal static ServiceProvider Provider(IConfiguration configuration, Action<IServiceCollection> addOptions)
    {
        var services = new ServiceCollection().AddSingleton(configuration);
        addOptions(services);
        return services.BuildServiceProvider();
    }
}
