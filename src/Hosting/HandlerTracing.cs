using K8sWebhookHandler.Abstractions.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace K8sWebhookHandler.Hosting;

/// <summary>
/// Traces with OpenTelemetry, exported with OTLP only when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// exporter reads the other standard settings too: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>,
/// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c>, ...). Without it nothing is recorded or sent. The spans are the
/// handler's (<see cref="HandlerActivities"/>) and Orleans' grain calls within them (<see cref="HandlerSampler"/>).
/// </summary>
public static class HandlerTracing
{
    /// <summary>The standard setting that turns the export on.</summary>
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard setting that names the service; <paramref name="serviceName"/> of <see cref="AddHandlerTracing"/> otherwise.</summary>
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    /// <summary>Orleans' source of the spans of calls to application grains.</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>
    /// Exports the handler's traces with OTLP when <see cref="EndpointKey"/> is set; does nothing otherwise. Orleans carries
    /// the trace across grain calls once its silo and client builders call <c>AddActivityPropagation()</c>.
    /// </summary>
    /// <param name="builder">The host.</param>
    /// <param name="serviceName">The <c>service.name</c> of the spans unless <see cref="ServiceNameKey"/> is set.</param>
    public static WebApplicationBuilder AddHandlerTracing(this WebApplicationBuilder builder, string serviceName)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]))
        {
            return builder;
        }

        var named = !string.IsNullOrWhiteSpace(builder.Configuration[ServiceNameKey]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!named)
                {
                    resource.AddService(serviceName);
                }
            })
            .WithTracing(tracing => tracing.SetSampler(HandlerSampler.Instance).AddSource(HandlerActivities.SourceName, OrleansApplicationSource).AddOtlpExporter());
        return builder;
    }
}
