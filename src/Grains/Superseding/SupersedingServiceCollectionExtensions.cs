using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Superseding;

public static class SupersedingServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="SupersedeOptions"/> (<c>Handler:Supersede:*</c>).</summary>
    public static IServiceCollection AddSupersedeOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<SupersedeOptions, SupersedeOptionsValidator>(SupersedeOptions.Section);
}
