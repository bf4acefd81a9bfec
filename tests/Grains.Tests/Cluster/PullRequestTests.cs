using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Reporting;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>
/// A pull request from a fork through the repository grain: nothing runs until a maintainer's <c>/ok-to-test</c>, anyone
/// else's comment changes nothing, a new push waits for its own approval, <c>/retest</c> runs the head again, and what
/// the grain remembers of it is what storage holds.
/// </summary>
public sealed class PullRequestTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static WebhookEvent FromFork(string repository, string action, int head, string? delivery = null) =>
        TestEvents.PullRequest(repository, 5, action, TestEvents.Sha(head), "stranger/fork", "CONTRIBUTOR", delivery: delivery);

    private List<WebhookEvent> Processed(WebhookEvent e) => fixture.Processor.Calls.Where(c => c.Delivery == e.Delivery).ToList();

    [Fact]
    public async Task ForkPullRequest_RunsOnlyAfterAMaintainersApproval_OfEachHeadCommit()
    {
        var repository = TestEvents.NewRepository();
        var grain = fixture.Grain(repository);
        var opened = FromFork(repository, "opened", 301);

        Assert.Equal(DeliveryStatus.AwaitingApproval, await grain.Enqueue(opened));
        Assert.Equal(DeliveryStatus.Ignored, await grain.Enqueue(TestEvents.Comment(repository, 5, CommentCommand.OkToTest, "NONE", "passer-by")));
        Assert.Equal(DeliveryState.AwaitingApproval, (await fixture.OutcomeAsync(repository, opened)).State);

        var approval = TestEvents.Comment(repository, 5, CommentCommand.OkToTest, "MEMBER");
        Assert.Equal(DeliveryStatus.Queued, await grain.Enqueue(approval));
        var ran = await fixture.OutcomeAsync(repository, opened);

        Assert.Equal(DeliveryState.Applied, ran.State);
        Assert.Equal($"/ok-to-test by octocat (MEMBER) approved {TestEvents.Sha(301)[..7]} of #5: delivery {opened.Delivery} queued", (await fixture.OutcomeAsync(repository, approval)).Reason);
        var processed = Assert.Single(Processed(opened));
        Assert.Equal((opened.Ref, opened.Revision, opened.PullRequest), (processed.Ref, processed.Revision, processed.PullRequest));

        var pushed = FromFork(repository, "synchronize", 302);
        Assert.Equal(DeliveryStatus.AwaitingApproval, await grain.Enqueue(pushed));
        Assert.Empty(Processed(pushed));

        var stored = await fixture.StoredStateAsync(repository);
        var known = stored.PullRequests[5];
        Assert.Equal((pushed.Delivery, true, true), (known.Latest.Delivery, known.Awaiting, known.Ran));
        Assert.Equal([TestEvents.Sha(301)], known.Approved);
    }

    [Fact]
    public async Task Retest_RunsTheHeadAgainUnderNewNames_AndSurvivesARead()
    {
        var repository = TestEvents.NewRepository();
        var grain = fixture.Grain(repository);
        var opened = TestEvents.PullRequest(repository, 8, "opened", TestEvents.Sha(311));
        Assert.Equal(DeliveryStatus.Queued, await grain.Enqueue(opened));
        await fixture.OutcomeAsync(repository, opened);

        var retest = TestEvents.Comment(repository, 8, CommentCommand.Retest, "OWNER", "maintainer");
        Assert.Equal(DeliveryStatus.Queued, await grain.Enqueue(retest));
        var again = await fixture.OutcomeAsync(repository, opened);

        Assert.Equal((DeliveryState.Applied, 1), (again.State, again.Rerun));
        Assert.Equal([0, 1], Processed(opened).Select(c => c.Rerun));
        Assert.Equal(DeliveryState.Triggered, (await fixture.OutcomeAsync(repository, retest)).State);
        Assert.Equal(1, (await fixture.StoredStateAsync(repository)).PullRequests[8].Latest.Rerun);
    }
}

/// <summary>A pull request awaiting approval tells GitHub it waits, and its approved run clears that.</summary>
public sealed class PullRequestReportingTests(ReportingClusterFixture fixture) : IClassFixture<ReportingClusterFixture>
{
    [Fact]
    public async Task AwaitingApproval_IsReportedPending_AndTheApprovedRunReportsApplied()
    {
        var repository = TestEvents.NewRepository();
        var grain = fixture.Grain(repository);
        var opened = TestEvents.PullRequest(repository, 3, "opened", TestEvents.Sha(Random.Shared.Next(1, int.MaxValue)), "stranger/fork");

        Assert.Equal(DeliveryStatus.AwaitingApproval, await grain.Enqueue(opened));
        await fixture.Reporter.SentAsync(1);
        Assert.Equal([(ReportOutcome.Waiting, ReportRules.AwaitingApproval)], fixture.SentFor(repository));

        await grain.Enqueue(TestEvents.Comment(repository, 3, CommentCommand.OkToTest, "COLLABORATOR"));
        await fixture.OutcomeAsync(repository, opened);
        await fixture.Reporter.SentAsync(3);

        Assert.Equal(
            [(ReportOutcome.Waiting, ReportRules.AwaitingApproval), (ReportOutcome.Running, "running"), (ReportOutcome.Succeeded, "applied")],
            fixture.SentFor(repository));
        Assert.All(fixture.Reporter.Sent.Where(s => s.Report.Repository.Value == repository), s => Assert.Equal(opened.Revision, s.Report.Sha));
    }
}
