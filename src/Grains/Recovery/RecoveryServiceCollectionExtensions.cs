using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Recovery;

public static class RecoveryServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="RecoveryOptions"/> (<c>Handler:GitHub:Recovery</c>). The reconciler runs only when
    /// an <see cref="IHookDeliveries"/> is registered too (GitHub's, with credentials).
    /// </summary>
    public static IServiceCollection AddRecoveryOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<RecoveryOptions, RecoveryOptionsValidator>(RecoveryOptions.Section);
}
