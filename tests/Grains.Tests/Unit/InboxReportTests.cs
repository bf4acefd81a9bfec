using System.Text.Json;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The outbox: what each outcome and phase tells GitHub, only changes, in order, retried, and journal-complete.</summary>
public sealed class InboxReportTests
{
    private static readonly RepositoryKey Repository = RepositoryKey.Parse("owner/repo");

    private readonly List<RepositoryChange> _changes = [];
    private readonly InboxHarness _harness = new();
    private readonly Inbox _inbox;

    public InboxReportTests() =>
        _inbox = new Inbox(() => _harness.State, new DeliveryOptions { Events = [.. DeliveryOptions.DefaultEvents, "repository_dispatch"] }, _harness.Clock, _changes.Add);

    private static AppliedObject Workflow(string name) => new("argoproj.io/v1alpha1", "Workflow", "ci", name);

    private static WorkflowObservation Seen(string name, WorkflowPhase phase, string version, string? message = null) =>
        new(Repository, Workflow(name), phase, message, version);

    private List<(string Sha, string Context, ReportOutcome Outcome, string Description)> Outbox =>
        _harness.State.Outbox.Select(e => (e.Report.Sha, e.Report.Context, e.Report.Outcome, e.Report.Description)).ToList();

    /// <summary>Runs a push to completion with <paramref name="result"/> and queues its reports, as the grain does.</summary>
    private DeliveryRecord Complete(string delivery, int after, ProcessingResult result)
    {
        var e = Push(delivery, after: after) with { Installation = 42 };
        _inbox.Accept(_inbox.Examine(e));
        var outcome = _inbox.Finish(_inbox.NextReady().Next!, result)!;
        _inbox.QueueReports(e, result, outcome, new Links());
        return outcome;
    }

    private static ProcessingResult Made(int after, params string[] workflows) =>
        Applied(TestEvents.Sha(after), workflows.Select(Workflow).ToArray()) with
        {
            Reported = workflows.Select(w => new ReportedObject(Workflow(w), "k8s-webhook-handler/" + w[..w.LastIndexOf('-')])).ToArray(),
        };

    [Fact]
    public void RefOnlyDelivery_ReportsOnTheCommitItRan()
    {
        var e = Push("dispatch", after: 1) with { EventType = K8sWebhookHandler.Abstractions.Events.EventType.Parse("repository_dispatch"), Revision = "", Before = "" };
        _inbox.Accept(_inbox.Examine(e));
        var result = Made(3, "build-x1");
        _inbox.QueueReports(e, result, _inbox.Finish(_inbox.NextReady().Next!, result)!, new Links());

        Assert.Equal([(TestEvents.Sha(3), "k8s-webhook-handler/build", ReportOutcome.Running, "running")], Outbox);
    }

    [Fact]
    public void RefOnlyDeliveryRefusedBeforeItsCommitWasKnown_ReportsNothing()
    {
        var e = Push("dispatch", after: 1) with { EventType = K8sWebhookHandler.Abstractions.Events.EventType.Parse("repository_dispatch"), Revision = "", Before = "" };
        _inbox.Accept(_inbox.Examine(e));
        var refused = ProcessingResult.Final(DeliveryState.Rejected, "the remote is refused");
        _inbox.QueueReports(e, refused, _inbox.Finish(_inbox.NextReady().Next!, refused)!, new Links());

        Assert.Empty(Outbox);
    }

    [Fact]
    public void AppliedPush_QueuesRunningPerWorkflow_WithItsLinkAndInstallation()
    {
        Complete("a", 1, Made(1, "build-x1", "lint-y2"));

        Assert.Equal([(TestEvents.Sha(1), "k8s-webhook-handler/build", ReportOutcome.Running, "running"), (TestEvents.Sha(1), "k8s-webhook-handler/lint", ReportOutcome.Running, "running")], Outbox);
        var first = _harness.State.Outbox[0].Report;
        Assert.Equal(("https://argo.example/workflows/ci/build-x1", (long?)42, Repository), (first.TargetUrl, first.Installation, first.Repository));
        Assert.Equal([1L, 2L], _harness.Record("a").Reports!.Select(r => r.Sequence));
    }

    [Fact]
    public void Phases_QueueOnlyWhatChanges_InOrder()
    {
        Complete("a", 1, Made(1, "build-x1"));

        Assert.Equal(Observed.Unchanged, _inbox.Observe(Seen("build-x1", WorkflowPhase.Pending, "10")));
        Assert.Equal(Observed.Unchanged, _inbox.Observe(Seen("build-x1", WorkflowPhase.Running, "11")));
        Assert.Equal(Observed.Queued, _inbox.Observe(Seen("build-x1", WorkflowPhase.Failed, "12", "step test exited 1")));
        Assert.Equal(Observed.Unchanged, _inbox.Observe(Seen("build-x1", WorkflowPhase.Failed, "12", "step test exited 1")));
        Assert.Equal(Observed.Unchanged, _inbox.Observe(Seen("build-x1", WorkflowPhase.Running, "11")));
        Assert.Equal(Observed.Queued, _inbox.Observe(Seen("build-x1", WorkflowPhase.Running, "13")));

        Assert.Equal(
            [ReportOutcome.Running, ReportOutcome.Failed, ReportOutcome.Running],
            Outbox.Select(o => o.Outcome));
        Assert.Equal("step test exited 1", Outbox[1].Description);
    }

    [Fact]
    public void WorkflowOfNoDeliveryKept_IsUnknown()
    {
        Assert.Equal(Observed.Unknown, _inbox.Observe(Seen("other-z9", WorkflowPhase.Succeeded, "5")));
        Assert.Empty(_harness.State.Outbox);
    }

    [Fact]
    public void SupersededWorkflow_EndsSupersededOnItsOwnCommit_AndItsStoppedPhaseIsNotReported()
    {
        Complete("a", 1, Made(1, "build-x1"));
        Complete("b", 2, Made(2, "build-x2") with { Stopped = [Workflow("build-x1")] });

        Assert.Equal((TestEvents.Sha(1), "k8s-webhook-handler/build", ReportOutcome.Superseded, $"superseded by {TestEvents.Sha(2)[..7]}"), Outbox[2]);
        Assert.Equal(Observed.Unchanged, _inbox.Observe(Seen("build-x1", WorkflowPhase.Failed, "20", "Stopped with strategy 'Stop'")));
        Assert.Equal(3, _harness.State.Outbox.Count);
    }

    [Fact]
    public void RefusedDelivery_ReportsTheReasonUnderTheHandlersOwnContext()
    {
        Complete("a", 1, ProcessingResult.Final(DeliveryState.Rejected, "batch/Job is not an allowed kind"));

        Assert.Equal([(TestEvents.Sha(1), "k8s-webhook-handler", ReportOutcome.Refused, "batch/Job is not an allowed kind")], Outbox);
        Assert.Null(_harness.State.Outbox[0].Object);
    }

    [Fact]
    public void RefusalThenSuccessOfTheSameCommit_ClearsTheError_AndTheSameRefusalTwiceIsReportedOnce()
    {
        var refused = ProcessingResult.Final(DeliveryState.Rejected, "kind not allowed");
        var e = Push("a", after: 1) with { Installation = 42 };
        _inbox.Accept(_inbox.Examine(e));
        _inbox.QueueReports(e, refused, _inbox.Finish(_inbox.NextReady().Next!, refused)!, new Links());

        foreach (var result in new[] { refused, Made(1, "build-x1") })
        {
            _inbox.Requeue(e, "retried by an operator");
            _inbox.QueueReports(e, result, _inbox.Finish(_inbox.NextReady().Next!, result)!, new Links());
        }

        Assert.Equal(
            [(ReportOutcome.Refused, "kind not allowed"), (ReportOutcome.Running, "running"), (ReportOutcome.Succeeded, "applied")],
            Outbox.Select(o => (o.Outcome, o.Description)));
        Assert.Equal(["k8s-webhook-handler", "k8s-webhook-handler/build", "k8s-webhook-handler"], Outbox.Select(o => o.Context));
    }

    [Fact]
    public void NoManifestOrDeletion_ReportsNothing()
    {
        Complete("a", 1, ProcessingResult.Final(DeliveryState.NoManifest, "no .ci/workflow.yaml"));
        var deletion = DeletingPush("b", before: 1);
        _inbox.Accept(_inbox.Examine(deletion));
        var outcome = _inbox.Finish(_inbox.NextReady().Next!, Made(1, "cleanup-c1"))!;
        _inbox.QueueReports(deletion, Made(1, "cleanup-c1"), outcome, new Links());

        Assert.Empty(_harness.State.Outbox);
    }

    [Fact]
    public void SentReport_LeavesTheOutbox_AndItsCheckRunIsUpdatedLater()
    {
        Complete("a", 1, Made(1, "build-x1"));
        var (head, _) = _inbox.NextReport();
        _harness.Clock.Advance(TimeSpan.FromSeconds(3));
        _inbox.ReportSent(head!, 777);
        _inbox.Observe(Seen("build-x1", WorkflowPhase.Succeeded, "30"));

        var (next, _) = _inbox.NextReport();
        Assert.Equal((ReportOutcome.Succeeded, (long?)777), (next!.Report.Outcome, _inbox.CheckRunOf(next)));
        var shown = _harness.Record("a").Reports!;
        Assert.Equal([(ReportOutcome.Running, (DateTimeOffset?)Start.AddSeconds(3)), (ReportOutcome.Succeeded, null)], shown.Select(r => (r.Outcome, r.SentAt)));
    }

    [Fact]
    public void FailedSends_WaitWithBackoffOrAsGitHubSays_AndAreDroppedAfterADay()
    {
        Complete("a", 1, Made(1, "build-x1"));
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            _inbox.ReportFailed(_harness.State.Outbox[0], "503", null);
            waits.Add(_inbox.NextReport().Wait!.Value);
        }

        _inbox.ReportFailed(_harness.State.Outbox[0], "rate limited", Start.AddMinutes(30));
        waits.Add(_inbox.NextReport().Wait!.Value);
        Assert.Equal([2, 4, 8, 16, 1800], waits.Select(w => w.TotalSeconds));

        _harness.Clock.Advance(TimeSpan.FromHours(24));
        _inbox.ReportFailed(_harness.State.Outbox[0], "503", null);
        Assert.Empty(_harness.State.Outbox);
        Assert.Equal("not sent within 24 hours: 503", _harness.Record("a").Reports!.Single().Error);
    }

    [Fact]
    public void ForgottenDelivery_ForgetsItsWorkflows()
    {
        var inbox = new Inbox(() => _harness.State, new DeliveryOptions { HistoryLimit = 1 }, _harness.Clock, _changes.Add);
        var first = Push("a", after: 1);
        inbox.Accept(inbox.Examine(first));
        var outcome = inbox.Finish(inbox.NextReady().Next!, Made(1, "build-x1"))!;
        inbox.QueueReports(first, Made(1, "build-x1"), outcome, new Links());
        Assert.Single(_harness.State.Reported);

        inbox.Accept(inbox.Examine(Push("b", "other", after: 2)));

        Assert.Empty(_harness.State.Reported);
    }

    [Fact]
    public void TheJournalsChanges_RebuildTheSameOutbox()
    {
        Complete("a", 1, Made(1, "build-x1"));
        Complete("b", 2, Made(2, "build-x2") with { Stopped = [Workflow("build-x1")] });
        _inbox.ReportSent(_inbox.NextReport().Next!, 5);
        _inbox.ReportFailed(_inbox.NextReport().Next!, "503", null);
        _inbox.Observe(Seen("build-x2", WorkflowPhase.Succeeded, "40"));

        var replayed = new RepositoryState();
        var again = new Inbox(() => replayed, new DeliveryOptions(), _harness.Clock);
        foreach (var change in _changes.Select(c => JsonSerializer.Deserialize<RepositoryChange>(JsonSerializer.Serialize(c, StateJson.Options), StateJson.Options)!))
        {
            again.Apply(change);
        }

        Assert.Equal(JsonSerializer.Serialize(_harness.State, StateJson.Options), JsonSerializer.Serialize(replayed, StateJson.Options));
    }

    private sealed class Links : IWorkflowLinks
    {
        public string? For(AppliedObject workflow) => $"https://argo.example/workflows/{workflow.Namespace}/{workflow.Name}";
    }
}
