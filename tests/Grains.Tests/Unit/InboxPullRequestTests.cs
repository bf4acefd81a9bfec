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
using static K8sWebhookHandler.Grains.Tests.Unit.PullRequestEvents;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// Pull requests in the inbox: an untrusted one awaits approval and runs nothing; a maintainer's <c>/ok-to-test</c>
/// approves that head commit and queues it; <c>/retest</c> runs the head again; anyone else's comment changes nothing.
/// </summary>
public sealed class InboxPullRequestTests
{
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
}
