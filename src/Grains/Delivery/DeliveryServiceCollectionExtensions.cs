using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="DeliveryOptions"/> (<c>Handler:IgnoreRefs</c>, <c>DeliveryRetention</c>, <c>RetryFor</c>, ...).</summary>
    public static IServiceCollection AddDeliveryOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<DeliveryOptions, DeliveryOptionsValidator>(DeliveryOptions.Section);
}
