using System.Text.Json;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// Pull requests in the inbox: an untrusted one awaits approval and runs nothing; a maintainer's <c>/ok-to-test</c>
/// approves that head commit and queues it; <c>/retest</c> runs the head again; anyone else's comment changes nothing.
/// </summary>
public sealed class InboxPullRequestTests
{
    private const string Repository = "owner/repo";
    private const string Needed = "a maintainer (OWNER, MEMBER, COLLABORATOR) must comment /ok-to-test";

    /// <summary>A head commit whose short form names it: <c>Head(2)</c> is <c>2abcdef…</c>.</summary>
    private static string Head(int n) => (n.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "abcdef").PadRight(40, '0');

    private static WebhookEvent Fork(string delivery, int head, string action = "opened", string association = "CONTRIBUTOR", int number = 5) =>
        TestEvents.PullRequest(Repository, number, action, Head(head), "fork/repo", association, delivery: delivery);

    private static WebhookEvent Own(string delivery, int head, string action = "opened", int number = 5) =>
        TestEvents.PullRequest(Repository, number, action, Head(head), delivery: delivery);

    private static WebhookEvent Says(string delivery, CommentCommand command, string association = "MEMBER", int number = 5) =>
        TestEvents.Comment(Repository, number, command, association, delivery: delivery);

    private static string NotApproved(int head) => $"{Head(head)[..7]} of #5 by contributor (CONTRIBUTOR) from the fork fork/repo is not approved: {Needed}";

    [Fact]
    public void UntrustedPullRequest_IsRecordedAwaitingApproval_AndNothingIsQueued()
    {
        var inbox = new InboxHarness();

        var arrival = inbox.Receive(Fork("pr-1", 2));

        Assert.Equal((ArrivalKind.AwaitingApproval, DeliveryStatus.AwaitingApproval), (arrival.Kind, arrival.Status));
        Assert.Equal(0, inbox.Inbox.Pending);
        var record = inbox.Record("pr-1");
        Assert.Equal((DeliveryState.AwaitingApproval, NotApproved(2), true), (record.State, record.Reason, record.IsFinal));
        Assert.Equal(Fork("pr-1", 2).PullRequest, record.PullRequest);
        var known = inbox.State.PullRequests[5];
        Assert.Equal((Id("pr-1"), true, false, 0), (known.Latest.Delivery, known.Awaiting, known.Ran, known.Approved.Count));
    }

    [Theory]
    [InlineData(null, "CONTRIBUTOR")]
    [InlineData("fork/repo", "MEMBER")]
    [InlineData("fork/repo", "OWNER")]
    public void TrustedPullRequest_IsQueued(string? fork, string association)
    {
        var inbox = new InboxHarness();

        var arrival = inbox.Receive(TestEvents.PullRequest(Repository, 5, "opened", Head(2), fork, association, delivery: "pr-1"));

        Assert.Equal((ArrivalKind.New, DeliveryStatus.Queued), (arrival.Kind, arrival.Status));
        Assert.Equal(Id("pr-1"), inbox.Next().Event.Delivery);
        Assert.True(inbox.State.PullRequests[5].Ran);
    }

    [Fact]
    public void OkToTestByAMaintainer_ApprovesThatCommit_AndQueuesTheWaitingDelivery()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));

        var arrival = inbox.Receive(Says("c-1", CommentCommand.OkToTest));

        Assert.Equal((ArrivalKind.Triggered, DeliveryStatus.Queued), (arrival.Kind, arrival.Status));
        var comment = inbox.Record("c-1");
        Assert.Equal((DeliveryState.Triggered, "/ok-to-test by octocat (MEMBER) approved 2abcdef of #5: delivery pr-1 queued"), (comment.State, comment.Reason));
        var queued = inbox.Record("pr-1");
        Assert.Equal((DeliveryState.Queued, "approved by /ok-to-test by octocat (MEMBER) (delivery c-1)", 0), (queued.State, queued.Reason, queued.Rerun));
        var next = inbox.Next();
        Assert.Equal((Id("pr-1"), Head(2), 5), (next.Event.Delivery, next.Event.Revision, next.Event.PullRequest!.Number));
        var known = inbox.State.PullRequests[5];
        Assert.Equal([Head(2)], known.Approved);
        Assert.Equal((false, true), (known.Awaiting, known.Ran));
        Assert.Equal(DeliveryState.Applied, inbox.RunNext(Applied(Head(2)))!.State);
    }

    [Theory]
    [InlineData(CommentCommand.OkToTest, "NONE")]
    [InlineData(CommentCommand.OkToTest, "CONTRIBUTOR")]
    [InlineData(CommentCommand.Retest, "FIRST_TIME_CONTRIBUTOR")]
    public void CommandByAnyoneElse_ChangesNothing(CommentCommand command, string association)
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));
        var before = JsonSerializer.Serialize(inbox.State.PullRequests, StateJson.Options);
        var changes = inbox.Changes.Count;

        var arrival = inbox.Receive(Says("c-1", command, association));

        var name = command == CommentCommand.OkToTest ? "/ok-to-test" : "/retest";
        Assert.Equal((ArrivalKind.Ignored, DeliveryStatus.Ignored), (arrival.Kind, arrival.Status));
        Assert.Equal($"{name} by octocat ({association}) changes nothing: only a maintainer (OWNER, MEMBER, COLLABORATOR) gives commands", inbox.Record("c-1").Reason);
        Assert.Equal(DeliveryState.AwaitingApproval, inbox.Record("pr-1").State);
        Assert.Equal(0, inbox.Inbox.Pending);
        Assert.Equal(before, JsonSerializer.Serialize(inbox.State.PullRequests, StateJson.Options));
        Assert.Equal(DeliveryState.Ignored, Assert.IsType<DeliveryAccepted>(Assert.Single(inbox.Changes.Skip(changes))).IgnoredAs);
    }

    [Fact]
    public void CommentWithoutCommand_OrEdited_ChangesNothing()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));

        inbox.Receive(Says("c-1", CommentCommand.None));
        inbox.Receive(TestEvents.Comment(Repository, 5, CommentCommand.OkToTest, delivery: "c-2", action: "edited"));
        inbox.Receive(TestEvents.Comment(Repository, 5, CommentCommand.OkToTest, delivery: "c-3", onPullRequest: false));

        Assert.Equal(
            ["comment on #5 gives no command (/ok-to-test, /retest)", "issue_comment action 'edited': only a new comment gives a command", "comment on issue #5, not on a pull request"],
            new[] { "c-1", "c-2", "c-3" }.Select(c => inbox.Record(c).Reason));
        Assert.Equal((0, 0), (inbox.Inbox.Pending, inbox.State.PullRequests[5].Approved.Count));
    }

    [Fact]
    public void NewPushAfterApproval_AwaitsApprovalAgain_AndItsOwnApprovalQueuesIt()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        inbox.RunNext(Applied(Head(2)));

        var push = inbox.Receive(Fork("pr-2", 3, "synchronize"));

        Assert.Equal(ArrivalKind.AwaitingApproval, push.Kind);
        Assert.Equal(NotApproved(3), inbox.Record("pr-2").Reason);
        Assert.Equal(0, inbox.Inbox.Pending);

        inbox.Receive(Says("c-2", CommentCommand.OkToTest, "OWNER"));

        Assert.Equal("/ok-to-test by octocat (OWNER) approved 3abcdef of #5: delivery pr-2 queued", inbox.Record("c-2").Reason);
        Assert.Equal((Id("pr-2"), Head(3)), (inbox.Next().Event.Delivery, inbox.Next().Event.Revision));
        Assert.Equal([Head(2), Head(3)], inbox.State.PullRequests[5].Approved);
    }

    [Fact]
    public void RememberApproval_LaterPushesRunWithoutAnotherApproval()
    {
        var inbox = new InboxHarness(pullRequests: new PullRequestOptions { RememberApproval = true });
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        inbox.RunNext(Applied(Head(2)));

        var push = inbox.Receive(Fork("pr-2", 3, "synchronize"));

        Assert.Equal(ArrivalKind.New, push.Kind);
        Assert.Equal(Id("pr-2"), inbox.Next().Event.Delivery);
    }

    [Fact]
    public void OkToTest_OfAnApprovedCommit_OrOfAPullRequestThatNeedsNone_ChangesNothing()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));
        inbox.Receive(Says("c-1", CommentCommand.OkToTest));
        inbox.Receive(Own("pr-2", 4, number: 6));
        inbox.Receive(Fork("pr-3", 5, association: "MEMBER", number: 7));

        Assert.Equal(ArrivalKind.Ignored, inbox.Receive(Says("c-2", CommentCommand.OkToTest)).Kind);
        inbox.Receive(Says("c-3", CommentCommand.OkToTest, number: 6));
        inbox.Receive(Says("c-4", CommentCommand.OkToTest, number: 7));
        inbox.Receive(Says("c-5", CommentCommand.OkToTest, number: 8));

        Assert.Equal(
            [
                "/ok-to-test by octocat (MEMBER): 2abcdef of #5 is approved already",
                "/ok-to-test by octocat (MEMBER): #6 needs no approval (its head is in this repository)",
                "/ok-to-test by octocat (MEMBER): #7 needs no approval (its author is MEMBER)",
                "/ok-to-test by octocat (MEMBER): no open pull request #8 is remembered",
            ],
            new[] { "c-2", "c-3", "c-4", "c-5" }.Select(c => inbox.Record(c).Reason));
        Assert.Equal(3, inbox.Inbox.Pending);
    }

    [Fact]
    public void Retest_RunsTheLatestHeadAgain_UnderTheNextRerun_OnceAtATime()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Own("pr-1", 2));
        inbox.RunNext(Applied(Head(2)));

        var arrival = inbox.Receive(Says("c-1", CommentCommand.Retest));
        var again = inbox.Receive(Says("c-2", CommentCommand.Retest, "COLLABORATOR"));

        Assert.Equal((ArrivalKind.Triggered, ArrivalKind.Ignored), (arrival.Kind, again.Kind));
        Assert.Equal("/retest by octocat (MEMBER) queued 2abcdef of #5 again: delivery pr-1, re-run 1", inbox.Record("c-1").Reason);
        Assert.Equal("/retest by octocat (COLLABORATOR): delivery pr-1 of #5 is queued already", inbox.Record("c-2").Reason);
        var next = inbox.Next();
        Assert.Equal((Id("pr-1"), Head(2), 1), (next.Event.Delivery, next.Event.Revision, next.Event.Rerun));
        Assert.NotNull(next.Event.PullRequest);
        Assert.Equal((DeliveryState.Queued, 1), (inbox.Record("pr-1").State, inbox.Record("pr-1").Rerun));
        inbox.RunNext(Applied(Head(2)));

        inbox.Receive(Says("c-3", CommentCommand.Retest));

        Assert.Equal(2, inbox.Next().Event.Rerun);
    }

    [Fact]
    public void Retest_OfACommitNotApproved_SaysWhatIsNeeded_AndRunsNothing()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));

        var arrival = inbox.Receive(Says("c-1", CommentCommand.Retest));

        Assert.Equal(ArrivalKind.Ignored, arrival.Kind);
        Assert.Equal($"/retest by octocat (MEMBER): {NotApproved(2)}", inbox.Record("c-1").Reason);
        Assert.Equal((0, DeliveryState.AwaitingApproval), (inbox.Inbox.Pending, inbox.Record("pr-1").State));
    }

    [Fact]
    public void DraftPush_IsIgnored_AndLeavesThePullRequestAsItWas()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Fork("pr-1", 2));

        inbox.Receive(Fork("pr-2", 3, "synchronize") with { PullRequest = Fork("pr-2", 3).PullRequest! with { Draft = true } });

        Assert.Equal("draft: runs once ready for review", inbox.Record("pr-2").Reason);
        Assert.Equal(Id("pr-1"), inbox.State.PullRequests[5].Latest.Delivery);
    }

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
