using K8sWebhookHandler.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>Traces are recorded and exported only when the standard OTLP endpoint is set.</summary>
public sealed class HandlerTracingTests
{
    private static TracerProvider? TracerOf(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddHandlerTracing("k8s-webhook-handler");
        using var services = builder.Services.BuildServiceProvider();
        return services.GetService<TracerProvider>();
    }

    [Fact]
    public void WithoutAnOtlpEndpoint_NothingIsRegistered()
    {
        Assert.Null(TracerOf([]));
    }

    [Fact]
    public void WithAnOtlpEndpoint_ATracerIsRegistered()
    {
        Assert.NotNull(TracerOf(new() { [HandlerTracing.EndpointKey] = "http://127.0.0.1:4318" }));
    }
}
