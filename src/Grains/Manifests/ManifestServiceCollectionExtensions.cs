using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Manifests;

public static class ManifestServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="ManifestOptions"/> (<c>Handler:ManifestPath</c>, <c>Handler:Manifest:*</c>).</summary>
    public static IServiceCollection AddManifestOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<ManifestOptions, ManifestOptionsValidator>(ManifestOptions.Section);
}
