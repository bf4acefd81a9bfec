using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace K8sWebhookHandler.Hosting.Telemetry;

/// <summary>Metrics in the Prometheus text format, for both programs (the Api and a silo).</summary>
public static class MetricsEndpoints
{
    /// <summary>Where Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>The meter of Orleans' own instruments (grains, messaging, the cluster).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Collects the handler's instruments (<see cref="HandlerMetrics"/>), Orleans', ASP.NET Core's (requests, Kestrel's
    /// connections) and the runtime's (GC, thread pool) for the Prometheus scrape at <see cref="Path"/>
    /// (<see cref="MapMetricsEndpoint"/>).
    /// </summary>
    public static WebApplicationBuilder AddPrometheusMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddHandlerMetrics();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(HandlerMetrics.MeterName, OrleansMeter)
            // Made with the provider, so that the gauges of the inboxes answer from the first scrape on.
            .AddInstrumentation(services => services.GetRequiredService<HandlerMetrics>())
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// <c>GET /metrics</c>: every instrument of <see cref="AddPrometheusMetrics"/> as Prometheus text. Like every endpoint
    /// without listener metadata it belongs to the management listener: the webhook port answers it 404, and the
    /// management port asks for its token when tokens are set.
    /// </summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(Path);
        return endpoints;
    }
}
