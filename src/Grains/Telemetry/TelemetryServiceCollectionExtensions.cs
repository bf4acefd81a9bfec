using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8sWebhookHandler.Grains.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="HandlerMetrics"/>, once per host, on the host's meter factory: what intake, the grains and the adapters
    /// record into. Exporting them is the host's choice (Prometheus at <c>/metrics</c> in both programs).
    /// </summary>
    public static IServiceCollection AddHandlerMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HandlerMetrics>();
        return services;
    }
}
