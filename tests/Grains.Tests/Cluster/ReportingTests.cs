using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A cluster whose repositories report to a scripted GitHub, and whose every push makes one Workflow.</summary>
public sealed class ReportingClusterFixture() : ClusterFixture(new DeliveryOptions())
{
    public ScriptedReporter Reporter { get; } = new();

    public static AppliedObject Workflow(WebhookEvent e) => new("argoproj.io/v1alpha1", "Workflow", "ci", "build-" + e.Revision[..5]);

    public override async Task InitializeAsync()
    {
        Processor.Answer = (e, _) => new ProcessingResult(DeliveryState.Applied, null, [Workflow(e)], e.Revision)
        {
            Reported = [new ReportedObject(Workflow(e), "k8s-webhook-handler/build")],
        };
        await base.InitializeAsync();
    }

    protected override void AddServices(IServiceCollection services) =>
        services.AddSingleton<ICommitReporter>(Reporter).AddSingleton<IWorkflowLinks, Links>();

    /// <summary>GitHub's requests for one repository, as outcome and description.</summary>
    public List<(ReportOutcome, string)> SentFor(string repository) =>
        Reporter.Sent.Where(s => s.Report.Repository.Value == repository).Select(s => (s.Report.Outcome, s.Report.Description)).ToList();

    private sealed class Links : IWorkflowLinks
    {
        public string? For(AppliedObject workflow) => $"https://argo.example/workflows/{workflow.Namespace}/{workflow.Name}";
    }
}

/// <summary>Reports reach GitHub once each, in order, after rate limits, lost answers, refusals and restarts.</summary>
public sealed class ReportingTests(ReportingClusterFixture fixture) : IClassFixture<ReportingClusterFixture>
{
    private ScriptedReporter Reporter => fixture.Reporter;

    private static WorkflowObservation Seen(WebhookEvent e, WorkflowPhase phase, int version) =>
        new(RepositoryKey.Parse(e.Repository.FullName), ReportingClusterFixture.Workflow(e), phase, null, version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private async Task<WebhookEvent> PushAsync(int sent)
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository, after: TestEvents.Sha(Random.Shared.Next(1, int.MaxValue)));
        await fixture.Grain(repository).Enqueue(push);
        await fixture.OutcomeAsync(repository, push);
        await Reporter.SentAsync(sent);
        return push;
    }

    [Fact]
    public async Task PushAndPhases_ReachGitHubOnceEach_WithTheLink()
    {
        var before = Reporter.Sent.Count;
        var push = await PushAsync(before + 1);
        var grain = fixture.Grain(push.Repository.FullName);

        await grain.ObserveWorkflow(Seen(push, WorkflowPhase.Running, 10));
        await grain.ObserveWorkflow(Seen(push, WorkflowPhase.Succeeded, 11));
        await Reporter.SentAsync(before + 2);
        await grain.ObserveWorkflow(Seen(push, WorkflowPhase.Succeeded, 11));

        Assert.Equal([(ReportOutcome.Running, "running"), (ReportOutcome.Succeeded, "succeeded")], fixture.SentFor(push.Repository.FullName));
        var sent = Reporter.Sent.Last(s => s.Report.Repository.Value == push.Repository.FullName).Report;
        Assert.Equal(($"https://argo.example/workflows/ci/build-{push.Revision[..5]}", "k8s-webhook-handler/build", push.Revision), (sent.TargetUrl, sent.Context, sent.Sha));
        var shown = (await grain.Inspect()).Deliveries.Single().Reports!;
        Assert.Equal([ReportOutcome.Running, ReportOutcome.Succeeded], shown.Select(r => r.Outcome));
        Assert.All(shown, r => Assert.NotNull(r.SentAt));
    }

    [Fact]
    public async Task RateLimit_NothingIsSentBeforeGitHubSays()
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(2);
        Reporter.FailNext(_ => ScriptedReporter.RateLimited(until));
        var before = Reporter.Sent.Count;

        var push = await PushAsync(before + 1);

        var sent = Reporter.Sent.Single(s => s.Report.Repository.Value == push.Repository.FullName);
        Assert.True(sent.At >= until, $"sent at {sent.At:O}, before the rate limit's reset at {until:O}");
    }

    [Fact]
    public async Task LostAnswer_IsReadBackFromGitHub_NotSentTwice()
    {
        Reporter.LoseNextAnswer(new TransientException("no answer within 10 s"));
        var before = Reporter.Sent.Count;
        var push = await PushAsync(before + 1);

        await fixture.Grain(push.Repository.FullName).ObserveWorkflow(Seen(push, WorkflowPhase.Failed, 12));
        await Reporter.SentAsync(before + 2);

        Assert.Equal([(ReportOutcome.Running, "running"), (ReportOutcome.Failed, "failed")], fixture.SentFor(push.Repository.FullName));
    }

    [Fact]
    public async Task RefusedReport_IsDropped_AndTheNextIsSent()
    {
        Reporter.FailNext(_ => new DeliveryRefusedException("GitHub answered 422: No commit found for SHA"));
        var before = Reporter.Sent.Count;
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository, after: TestEvents.Sha(Random.Shared.Next(1, int.MaxValue)));
        await fixture.Grain(repository).Enqueue(push);
        await fixture.OutcomeAsync(repository, push);

        await fixture.Grain(repository).ObserveWorkflow(Seen(push, WorkflowPhase.Succeeded, 13));
        await Reporter.SentAsync(before + 1);

        Assert.Equal([(ReportOutcome.Succeeded, "succeeded")], fixture.SentFor(repository));
        var shown = (await fixture.Grain(repository).Inspect()).Deliveries.Single().Reports!;
        Assert.Equal(("GitHub answered 422: No commit found for SHA", (DateTimeOffset?)null), (shown[0].Error, shown[0].SentAt));
    }
}
