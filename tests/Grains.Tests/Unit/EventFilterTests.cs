using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What is acted on: event types and actions, and refs against <c>Handler:IgnoreRefs</c>.</summary>
public sealed class EventFilterTests
{
    private static EventFilter Filter(string? ignoreRefs) => new(new DeliveryOptions { IgnoreRefs = ignoreRefs }, new PullRequestOptions());

    [Theory]
    [InlineData("push", "dependabot/npm", "IgnoredRef", "refs/heads/dependabot/npm matches Handler:IgnoreRefs")]
    [InlineData("delete", "dependabot/npm", "IgnoredRef", "refs/heads/dependabot/npm matches Handler:IgnoreRefs")]
    [InlineData("push", "refs/tags/dependabot/v1", null, null)]
    [InlineData("push", "main", null, null)]
    [InlineData("push", "feature/dependabot", null, null)]
    [InlineData("ping", "dependabot/npm", "Ignored", "ping")]
    public void IgnoreRefs_IsMatchedAgainstTheFullRef_AfterTheEventType(string eventType, string branch, string? state, string? reason)
    {
        var e = TestEvents.Push("o/r", branch, eventType: eventType);

        var ignored = Filter("^refs/heads/dependabot/").Ignore(e);

        Assert.Equal(state, ignored?.State.ToString());
        Assert.Equal(reason, ignored?.Reason);
    }

    [Fact]
    public void UnanchoredExpression_MatchesAnywhereInTheRef()
    {
        var ignored = Filter("dependabot").Ignore(TestEvents.Push("o/r", "feature/dependabot-bump"));

        Assert.Equal((DeliveryState.IgnoredRef, "refs/heads/feature/dependabot-bump matches Handler:IgnoreRefs"), ignored);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NoExpression_IgnoresNoRef(string? ignoreRefs)
    {
        Assert.Null(Filter(ignoreRefs).Ignore(TestEvents.Push("o/r", "dependabot/npm")));
    }

    [Fact]
    public void ExpressionThatDoesNotFinishOnARef_IgnoresIt()
    {
        var ignored = Filter("^refs/heads/(a+)+$").Ignore(TestEvents.Push("o/r", new string('a', 64) + "!"));

        Assert.Equal(DeliveryState.IgnoredRef, ignored?.State);
    }

    [Theory]
    [InlineData("check_suite", "requested")]
    [InlineData("check_suite", "rerequested")]
    [InlineData("check_run", "rerequested")]
    public void CheckEventOfAForksCommit_WithoutAHeadBranch_IsIgnored(string eventType, string action)
    {
        var ofBranch = TestEvents.Push("o/r", "feature", TestEvents.Sha(2), "", eventType: eventType, action: action);
        var ofFork = ofBranch with { Ref = Abstractions.Identity.GitRef.None };

        Assert.Equal(
            ((string?)null, (string?)"check event without a head branch (a fork's commit): it runs only through its pull request, after /ok-to-test or with /retest"),
            (Reason(ofBranch), Reason(ofFork)));
    }

    private static string? Reason(WebhookEvent e, string[]? events = null, bool drafts = false) =>
        new EventFilter(new DeliveryOptions { Events = events }, new PullRequestOptions { Drafts = drafts }).IgnoreReason(e);

    private static WebhookEvent Event(string type, string action = "", string branch = "main", string after = "") =>
        TestEvents.Push("o/r", branch, after.Length > 0 ? after : TestEvents.Sha(1), eventType: type, action: action);

    [Theory]
    [InlineData("push", null)]
    [InlineData("delete", null)]
    [InlineData("create", "event 'create' is not in Handler:Events")]
    [InlineData("release", "event 'release' is not in Handler:Events")]
    [InlineData("issues", "event 'issues' is not in Handler:Events")]
    [InlineData("ping", "ping")]
    public void DefaultEvents_AreActedOn_AndOthersIgnoredNamingTheSetting(string type, string? reason)
    {
        Assert.Equal(reason, Reason(Event(type)));
    }

    [Theory]
    [InlineData("release", "published")]
    [InlineData("deployment", "created")]
    [InlineData("workflow_dispatch", "")]
    [InlineData("repository_dispatch", "deploy")]
    [InlineData("issues", "opened")]
    public void OptedInEvent_IsActedOn_WithAnyAction(string type, string action)
    {
        Assert.Null(Reason(Event(type, action), ["push", type]));
    }

    [Fact]
    public void OptedInEvent_NamingNeitherRefNorCommit_IsActedOn_AtTheDefaultBranch()
    {
        var e = Event("issues", "opened") with { Ref = Abstractions.Identity.GitRef.None, Revision = "" };

        Assert.Null(Reason(e, ["issues"]));
    }

    [Fact]
    public void EventsSetting_ReplacesTheDefaults()
    {
        Assert.Equal("event 'push' is not in Handler:Events", Reason(Event("push"), ["release"]));
    }

    [Theory]
    [InlineData("opened", false, null)]
    [InlineData("synchronize", false, null)]
    [InlineData("reopened", false, null)]
    [InlineData("ready_for_review", false, null)]
    [InlineData("closed", false, null)]
    [InlineData("edited", false, "pull_request action 'edited'")]
    [InlineData("labeled", false, "pull_request action 'labeled'")]
    [InlineData("converted_to_draft", true, "pull_request action 'converted_to_draft'")]
    [InlineData("opened", true, "draft: runs once ready for review")]
    [InlineData("synchronize", true, "draft: runs once ready for review")]
    [InlineData("reopened", true, "draft: runs once ready for review")]
    [InlineData("closed", true, null)]
    public void PullRequestActions_ActOrAreIgnoredWithTheReason(string action, bool draft, string? reason)
    {
        Assert.Equal(reason, Reason(TestEvents.PullRequest("o/r", 5, action, TestEvents.Sha(2), draft: draft)));
    }

    [Fact]
    public void Drafts_RunWhenAskedFor()
    {
        Assert.Null(Reason(TestEvents.PullRequest("o/r", 5, "opened", TestEvents.Sha(2), draft: true), drafts: true));
    }

    [Theory]
    [InlineData("checks_requested", null)]
    [InlineData("destroyed", null)]
    [InlineData("created", "merge_group action 'created'")]
    public void MergeGroupActions_ActOrAreIgnored(string action, string? reason)
    {
        Assert.Equal(reason, Reason(Event("merge_group", action, "refs/heads/gh-readonly-queue/main/pr-5-abc")));
    }

    [Theory]
    [InlineData(CommentCommand.OkToTest, "created", true, null)]
    [InlineData(CommentCommand.Retest, "created", true, null)]
    [InlineData(CommentCommand.None, "created", true, "comment on #5 gives no command (/ok-to-test, /retest)")]
    [InlineData(CommentCommand.OkToTest, "edited", true, "issue_comment action 'edited': only a new comment gives a command")]
    [InlineData(CommentCommand.OkToTest, "deleted", true, "issue_comment action 'deleted': only a new comment gives a command")]
    [InlineData(CommentCommand.OkToTest, "created", false, "comment on issue #5, not on a pull request")]
    public void Comments_AreActedOnOnlyAsANewCommandOnAPullRequest(CommentCommand command, string action, bool onPullRequest, string? reason)
    {
        Assert.Equal(reason, Reason(TestEvents.Comment("o/r", 5, command, action: action, onPullRequest: onPullRequest)));
    }

    [Fact]
    public void Comments_FollowPullRequests_NotTheirOwnListing()
    {
        var comment = TestEvents.Comment("o/r", 5, CommentCommand.OkToTest);

        Assert.Null(Reason(comment, ["pull_request"]));
        Assert.Equal("issue_comment is acted on only while pull_request is in Handler:Events", Reason(comment, ["push", "issue_comment"]));
    }
}
