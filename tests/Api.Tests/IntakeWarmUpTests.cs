using System.Reflection;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Hosting.WarmUp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>The intake warm-up: the whole intake of a signed ping and the parse of a push, and never a grain.</summary>
public sealed class IntakeWarmUpTests
{
    private static IntakeWarmUp Step(WebhookOptions settings)
    {
        var options = Options.Create(settings);
        var intake = WebhookIntakeTests.Intake(settings);
        var services = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider();
        return new IntakeWarmUp(intake, options, services, TimeProvider.System);
    }

    [Fact]
    public async Task SignedWithTheFirstConfiguredSecret_PassesWithoutReachingAGrain()
    {
        var step = Step(new WebhookOptions { WebhookSecrets = ["current", "previous"] });

        var failure = await Record.ExceptionAsync(() => step.RunAsync(CancellationToken.None));

        Assert.Null(failure);
    }

    [Fact]
    public async Task InsecureModeWithoutASecret_Passes()
    {
        var step = Step(new WebhookOptions { Insecure = true, WebhookSecrets = [] });

        var failure = await Record.ExceptionAsync(() => step.RunAsync(CancellationToken.None));

        Assert.Null(failure);
    }

    [Fact]
    public async Task IntakeRefusingThePing_FailsSayingWhatIntakeAnswered()
    {
        var step = Step(new WebhookOptions { WebhookSecrets = ["current"], MaxBodyBytes = 100 });

        var failure = await Assert.ThrowsAsync<WarmUpException>(() => step.RunAsync(CancellationToken.None));

        Assert.Equal("""intake answered a signed ping with 413 {"error":"body larger than 100 bytes"}, not 202 ignored""", failure.Message);
    }
}
