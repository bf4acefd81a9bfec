using System.Text.Json;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;
using static K8sWebhookHandler.Grains.Tests.Unit.PullRequestEvents;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// What the inbox remembers of pull requests: forgotten once closed, bounded, read back from the journal, never run again
/// by an operator while awaiting approval; and the pending report of one awaiting approval.
/// </summary>
public sealed class InboxPullRequestMemoryTests
{
    [Fact]
    public void Closed_OfAnUntrustedPullRequestThatNeverRan_IsIgnored_AndForgotten()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));

        var closed = inbox.Receive(Fork("pr-2", 2, "closed"));

        Assert.Equal(ArrivalKind.Ignored, closed.Kind);
        Assert.Equal("#5 from the fork fork/repo never ran: nothing to tear down", inbox.Record("pr-2").Reason);
        Assert.Empty(inbox.State.PullRequests);
    }

    [Fact]
    public void Closed_OfOneThatRan_Acts_RefusesCommands_AndIsForgottenOnceProcessed()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        inbox.RunNext(Applied(Head(2)));
        inbox.Receive(Fork("pr-2", 3, "synchronize"));

        var closed = inbox.Receive(Fork("pr-3", 3, "closed"));
        inbox.Receive(Says("c-2", CommentCommand.Retest));

        Assert.Equal(ArrivalKind.New, closed.Kind);
        Assert.Equal("/retest by octocat (MEMBER): #5 is closed", inbox.Record("c-2").Reason);
        Assert.Equal(Id("pr-3"), inbox.Next().Event.Delivery);
        inbox.RunNext(Applied(Head(3)));
        Assert.Empty(inbox.State.PullRequests);
    }

    [Fact]
    public void Closed_OfAForkWhoseHeadWasNeverApproved_RunsAtTheNewestApprovedCommit_NeverTheUnapprovedHead()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        inbox.RunNext(Applied(Head(2)));
        inbox.Receive(Fork("pr-2", 3, "synchronize"));

        inbox.Receive(Fork("pr-3", 3, "closed"));

        var next = inbox.Next().Event;
        Assert.Equal((Id("pr-3"), Head(2)), (next.Delivery, next.Revision));
    }

    [Fact]
    public void Redelivery_OfAFailedClose_OfAForkWhoseHeadWasNeverApproved_RunsAtTheNewestApprovedCommit()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxAttempts = 1 });
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        inbox.RunNext(Applied(Head(2)));
        inbox.Receive(Fork("pr-2", 3, "synchronize"));
        inbox.Receive(Fork("pr-3", 3, "closed"));
        inbox.RunNext(ProcessingResult.Retry("the cluster is down"));

        var again = inbox.Receive(Fork("pr-3", 3, "closed"));

        Assert.Equal((ArrivalKind.Redelivery, Head(2)), (again.Kind, inbox.Next().Event.Revision));
    }

    [Fact]
    public void PullRequestRef_RemembersItsAppliedHead_UntilClosed()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Own("pr-1", 2));
        inbox.RunNext(Applied(Head(2)));
        var applied = inbox.State.Refs[GitRef.PullRequest(5)];

        inbox.Receive(Own("pr-2", 2, "closed"));
        inbox.RunNext(Applied(Head(2)));

        Assert.Equal((Head(2), Id("pr-1")), (applied.LastRevision, applied.LastDelivery));
        var closed = inbox.State.Refs[GitRef.PullRequest(5)];
        Assert.Equal((WebhookEvent.ZeroRevision, Id("pr-2")), (closed.LastRevision, closed.LastDelivery));
    }

    [Fact]
    public void OperatorRetry_RunsNoDeliveryAwaitingApproval_NorAComment()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("push-1"));
        inbox.RunNext(Applied(TestEvents.Sha(1)));
        inbox.Receive(Own("pr-2", 3, number: 6));
        inbox.RunNext(Applied(Head(3)));
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.Retest, number: 9));
        inbox.Receive(Says("c-2", CommentCommand.Retest, number: 6));

        Assert.Equal(DeliveryState.Triggered, inbox.Record("c-2").State);
        Assert.Equal(RetryKind.Nothing, inbox.Inbox.PlanRetry(Id("pr-1")).Kind);
        Assert.Equal(RetryKind.Nothing, inbox.Inbox.PlanRetry(Id("c-1")).Kind);
        Assert.Equal(RetryKind.Nothing, inbox.Inbox.PlanRetry(Id("c-2")).Kind);
    }

    [Fact]
    public void OperatorRetry_KeepsThePullRequestAndClientPayload()
    {
        var inbox = new InboxHarness();
        var dispatch = TestEvents.Push(Repository, "main", Head(1), "", "rd-1", eventType: "repository_dispatch", action: "deploy") with { ClientPayload = """{"env":"prod"}""" };
        inbox.Receive(Push("push-1"));
        inbox.RunNext(Applied(TestEvents.Sha(1)));
        inbox.Receive(Own("pr-1", 2));
        inbox.RunNext(Applied(Head(2)));
        var opted = new InboxHarness(new DeliveryOptions { Events = ["repository_dispatch"] });
        opted.Receive(dispatch);
        opted.RunNext(Applied(Head(1)));

        var pullRequest = inbox.Inbox.PlanRetry(Id("pr-1")).Again!;
        var payload = opted.Inbox.PlanRetry(Id("rd-1")).Again!;

        Assert.Equal((Own("pr-1", 2).PullRequest, 1), (pullRequest.PullRequest, pullRequest.Rerun));
        Assert.Equal(("""{"env":"prod"}""", 1), (payload.ClientPayload, payload.Rerun));
        Assert.Equal("""{"env":"prod"}""", opted.Record("rd-1").ClientPayload);
    }

    [Fact]
    public void PullRequests_AreBoundedByMaxRefs_LeastRecentlyChangedFirst_AndApprovalsPerPullRequest()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxRefs = 3 });
        for (var number = 1; number <= 5; number++)
        {
            inbox.Clock.Advance(TimeSpan.FromSeconds(1));
            inbox.Receive(Fork($"pr-{number}", number, number: number));
        }

        Assert.Equal([3, 4, 5], inbox.State.PullRequests.Keys.Order());

        for (var head = 10; head < 30; head++)
        {
            inbox.Receive(Fork($"push-{head}", head, "synchronize", number: 4));
            inbox.Receive(Says($"ok-{head}", CommentCommand.OkToTest, number: 4));
            inbox.RunNext(Applied(Head(head)));
        }

        var approved = inbox.State.PullRequests[4].Approved;
        Assert.Equal(PullRequestState.MaxApproved, approved.Count);
        Assert.Equal(Enumerable.Range(14, 16).Select(Head), approved);
    }

    [Fact]
    public void PullRequestChanges_ReadBackFromTheJournal_GiveTheSameState()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxRefs = 2 });
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        inbox.RunNext(Applied(Head(2)));
        inbox.Receive(Fork("pr-2", 3, "synchronize"));
        inbox.Receive(Own("pr-3", 4, number: 6));
        inbox.Receive(Says("c-2", CommentCommand.Retest, number: 6));
        inbox.Receive(Fork("pr-4", 5, number: 7));
        inbox.Receive(Fork("pr-5", 6, number: 8));
        inbox.Receive(Fork("pr-6", 7, "closed", number: 8));

        var replayed = new RepositoryState();
        var reader = new Inbox(() => replayed, new DeliveryOptions { MaxRefs = 2 }, TimeProvider.System);
        foreach (var change in inbox.Changes)
        {
            reader.Apply(JsonSerializer.Deserialize<RepositoryChange>(JsonSerializer.SerializeToUtf8Bytes(change, StateJson.Options), StateJson.Options)!);
        }

        Assert.Contains(inbox.Changes, c => c is PullRequestApproved { Number: 5 });
        Assert.Equal([7], inbox.State.PullRequests.Keys);
        JsonAssert.Equal(JsonSerializer.SerializeToNode(inbox.State, StateJson.Options)!, JsonSerializer.SerializeToNode(replayed, StateJson.Options)!, "replayed:");
    }

    [Fact]
    public void StateWrittenBeforePullRequests_LoadsWithNone()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("push-1"));
        var json = JsonSerializer.SerializeToNode(inbox.State, StateJson.Options)!.AsObject();
        json.Remove("PullRequests");

        var read = json.Deserialize<RepositoryState>(StateJson.Options)!;

        Assert.Empty(read.PullRequests);
        Assert.Single(read.History);
    }

    [Fact]
    public void AwaitingApproval_ReportsPendingOnItsCommit_OnceOnly_AndTheApprovedRunClearsIt()
    {
        var inbox = new InboxHarness();
        var e = Fork("pr-1", 2) with { Installation = 42 };
        inbox.Receive(e);

        inbox.Inbox.QueueDeliveryReport(e, inbox.Record("pr-1"));
        inbox.Inbox.QueueDeliveryReport(e, inbox.Record("pr-1"));

        var waiting = (Head(2), "k8s-webhook-handler", ReportOutcome.Waiting, "waiting for approval: a maintainer must comment /ok-to-test");
        Assert.Equal([waiting], Outbox(inbox));
        Assert.Equal(42, inbox.State.Outbox[0].Report.Installation);

        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        var next = inbox.Next();
        var result = Applied(Head(2));
        inbox.Inbox.QueueReports(next.Event, result, inbox.Inbox.Finish(next, result)!, new NoLinks());

        Assert.Equal([waiting, (Head(2), "k8s-webhook-handler", ReportOutcome.Succeeded, "applied")], Outbox(inbox));
    }

    private static List<(string Sha, string Context, ReportOutcome Outcome, string Description)> Outbox(InboxHarness inbox) =>
        inbox.State.Outbox.Select(e => (e.Report.Sha, e.Report.Context, e.Report.Outcome, e.Report.Description)).ToList();

    private sealed class NoLinks : IWorkflowLinks
    {
        public string? For(AppliedObject workflow) => null;
    }

    [Fact]
    public void RecordAwaitingApproval_OutlivesOtherRecords_SoThatItsApprovalFindsIt()
    {
        var inbox = new InboxHarness(new DeliveryOptions { HistoryLimit = 3 });
        inbox.Receive(Fork("pr-1", 2));
        for (var n = 1; n <= 5; n++)
        {
            inbox.Receive(Push($"push-{n}", after: n, before: n - 1));
            inbox.RunNext(Applied(TestEvents.Sha(n)));
        }

        inbox.Receive(Says("c-1", CommentCommand.OkToTest));

        Assert.Equal(["pr-1", "push-5", "c-1"], inbox.History);
        Assert.Equal(DeliveryState.Queued, inbox.Record("pr-1").State);
    }
}
