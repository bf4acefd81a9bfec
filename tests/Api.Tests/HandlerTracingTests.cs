using System.Diagnostics;
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

    [Theory]
    [InlineData("webhook receive", SamplingDecision.RecordAndSample)]
    [InlineData("delivery process", SamplingDecision.RecordAndSample)]
    [InlineData("IStorageProbeGrain/Probe", SamplingDecision.Drop)]
    [InlineData("IRepositoryGrain/Inspect", SamplingDecision.Drop)]
    public void ASpanWithoutParent_IsKeptOnlyWhenTheHandlerStartsIt(string name, SamplingDecision expected)
    {
        var root = new SamplingParameters(default, ActivityTraceId.CreateRandom(), name, ActivityKind.Internal);

        Assert.Equal(expected, HandlerSampler.Instance.ShouldSample(root).Decision);
    }

    [Fact]
    public void AGrainCallWithinAKeptTrace_IsKept()
    {
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var call = new SamplingParameters(parent, parent.TraceId, "IRepositoryGrain/Enqueue", ActivityKind.Client);

        Assert.Equal(SamplingDecision.RecordAndSample, HandlerSampler.Instance.ShouldSample(call).Decision);
    }
}
