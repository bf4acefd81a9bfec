using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Hosting.WarmUp;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The warm-up steps that take a path in memory: they pass with the settings a handler runs with, and fail saying why.</summary>
public sealed class WarmUpStepTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("^refs/heads/main$")]
    public async Task InboxWarmUp_WithOrWithoutTheSampleRefIgnored_Passes(string? ignoreRefs)
    {
        var step = new InboxWarmUp(Options.Create(new DeliveryOptions { IgnoreRefs = ignoreRefs }), TimeProvider.System);

        var failure = await Record.ExceptionAsync(() => step.RunAsync(CancellationToken.None));

        Assert.Null(failure);
    }

    [Fact]
    public async Task ManifestWarmUp_WithTheDefaultLimits_Passes()
    {
        var step = new ManifestWarmUp(Options.Create(new ManifestOptions()), TimeProvider.System);

        var failure = await Record.ExceptionAsync(() => step.RunAsync(CancellationToken.None));

        Assert.Null(failure);
    }

    [Fact]
    public async Task ManifestWarmUp_WithLimitsTheSampleExceeds_FailsWithTheReadersReason()
    {
        var step = new ManifestWarmUp(Options.Create(new ManifestOptions { MaxObjects = 1 }), TimeProvider.System);

        var failure = await Assert.ThrowsAsync<DeliveryRefusedException>(() => step.RunAsync(CancellationToken.None));

        Assert.Equal("the manifest has 2 objects; at most 1 are allowed", failure.Message);
    }
}
