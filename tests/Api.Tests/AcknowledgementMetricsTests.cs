using System.Diagnostics.Metrics;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Telemetry;
using K8sWebhookHandler.Testing.Handler;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>Intake records every answer's latency, labelled with the event and the status it answered.</summary>
public sealed class AcknowledgementMetricsTests : IDisposable
{
    private const string Secret = "intake-secret";

    private readonly ServiceProvider _services = new ServiceCollection().AddHandlerMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(double Seconds, string Event, string Status)> _recorded = [];

    public AcknowledgementMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "handler.webhook.acknowledgement.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var labels = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            _recorded.Add((value, labels[MetricLabels.Event]!, labels[MetricLabels.Status]!));
        });
        _listener.Start();
    }

    private HandlerMetrics Metrics => _services.GetRequiredService<HandlerMetrics>();

    [Fact]
    public async Task UnsignedPush_IsRecordedAsPushAnswered401()
    {
        var (context, _) = WebhookIntakeTests.Request(16);

        await WebhookIntakeTests.Intake(Metrics).HandleAsync(context);

        var recorded = Assert.Single(_recorded);
        Assert.Equal(("push", "401"), (recorded.Event, recorded.Status));
        Assert.True(recorded.Seconds >= 0);
    }

    [Fact]
    public async Task SignedPing_IsRecordedAsPingAnswered202()
    {
        var content = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}"u8.ToArray();
        var (context, _) = WebhookIntakeTests.Request(content, content.Length,
            ("X-GitHub-Event", "ping"), ("X-Hub-Signature-256", WebhookClient.Sign(Secret, content)));

        await WebhookIntakeTests.Intake(Metrics).HandleAsync(context);

        Assert.Equal([("ping", "202")], _recorded.Select(r => (r.Event, r.Status)));
    }

    [Fact]
    public async Task ASiloClusterThatDoesNotAnswer_IsRecordedAs503_TheStatusTheErrorHandlerAnswers()
    {
        var grains = System.Reflection.DispatchProxy.Create<IGrainFactory, WebhookIntakeTests.AnsweringGrains>();
        ((WebhookIntakeTests.AnsweringGrains)(object)grains).Failure = new SiloUnavailableException("the silo is gone");
        var content = System.Text.Encoding.UTF8.GetBytes(GitHubPayloads.Load("push/payload.json").ToJsonString());
        var (context, _) = WebhookIntakeTests.Request(content, content.Length,
            ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", WebhookClient.Sign(Secret, content)));
        var intake = WebhookIntakeTests.Intake(new WebhookOptions { WebhookSecrets = [Secret], MaxBodyBytes = 1 << 20 }, Metrics, grains);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => intake.HandleAsync(context));

        Assert.Equal([("push", "503")], _recorded.Select(r => (r.Event, r.Status)));
    }

    [Fact]
    public async Task MalformedEventHeader_IsRecordedAsOtherAnswered400()
    {
        var (context, _) = WebhookIntakeTests.Request(10, ("X-GitHub-Event", "Push"));

        await WebhookIntakeTests.Intake(Metrics).HandleAsync(context);

        Assert.Equal([("other", "400")], _recorded.Select(r => (r.Event, r.Status)));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
