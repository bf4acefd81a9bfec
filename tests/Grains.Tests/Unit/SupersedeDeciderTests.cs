using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// The supersede decision table, asked directly with a scripted commit graph: what was applied, what waits behind the
/// push, and which events take part at all. The same table runs through the grain in <c>SupersedeDecisionTests</c>.
/// </summary>
public sealed class SupersedeDeciderTests
{
    private const string Repository = "owner/repo";
    private readonly ScriptedGraph _graph = new();

    private static string C(string name) => (name + new string('0', 40))[..40];

    private SupersedeDecider Decider(string refs = SupersedeOptions.DefaultRefs) => new(_graph, Options.Create(new SupersedeOptions { Refs = refs }));

    private static WebhookEvent Push(string before, string after, string branch = "main") =>
        TestEvents.Push(Repository, branch, after: after, before: before);

    private static RefRecord Applied(string revision) =>
        new(GitRef.Branch("main"), revision, DeliveryId.Parse("applied-1"), [], DateTimeOffset.UnixEpoch);

    private Task<SupersedeDecision?> DecideAsync(WebhookEvent push, RefRecord? applied, params WebhookEvent[] waiting) =>
        Decider().DecideAsync(push, applied, waiting, CancellationToken.None);

    [Fact]
    public async Task AlreadyApplied_IsStale()
    {
        var decision = await DecideAsync(Push(C("a1"), C("a2")), Applied(C("a2")));

        Assert.Equal(SupersedeDecision.Stale($"{C("a2")} is already applied (delivery applied-1)"), decision);
    }

    [Fact]
    public async Task AncestorOfTheApplied_IsStale()
    {
        _graph.Chain(C("b1"), C("b2"), C("b3"));

        var decision = await DecideAsync(Push(C("b1"), C("b2")), Applied(C("b3")));

        Assert.Equal(SupersedeDecision.Stale($"{C("b2")} is an ancestor of the applied {C("b3")}"), decision);
    }

    [Fact]
    public async Task BeforeIsTheAppliedTip_Runs_WithoutAskingGit()
    {
        var decision = await DecideAsync(Push(C("c1"), C("c2")), Applied(C("c1")));

        Assert.Null(decision);
        Assert.Equal(0, _graph.Questions);
    }

    [Fact]
    public async Task DescendantOfTheApplied_Runs()
    {
        _graph.Chain(C("d1"), C("d2"), C("d3"));

        var decision = await DecideAsync(Push(C("zz"), C("d3")), Applied(C("d1")));

        Assert.Null(decision);
    }

    [Fact]
    public async Task UnrelatedToTheApplied_RunsOnlyWhenItIsTheBranchHead()
    {
        _graph.Head(Repository, "refs/heads/main", C("y1"));

        var head = await DecideAsync(Push(C("qq"), C("y1")), Applied(C("x0")));
        var notHead = await DecideAsync(Push(C("qq"), C("x1")), Applied(C("x0")));

        Assert.Null(head);
        Assert.Equal(SupersedeDecision.Stale($"{C("x1")} is unrelated to the applied {C("x0")} and is not the tip of refs/heads/main"), notHead);
    }

    [Fact]
    public async Task NothingApplied_OrTheBranchDeleted_ComparesOnlyWithWhatWaits()
    {
        var fresh = await DecideAsync(Push(WebhookEvent.ZeroRevision, C("e1")), null);
        var afterDeletion = await DecideAsync(Push(WebhookEvent.ZeroRevision, C("e1")), Applied(WebhookEvent.ZeroRevision));

        Assert.Null(fresh);
        Assert.Null(afterDeletion);
        Assert.Equal(0, _graph.Questions);
    }

    [Fact]
    public async Task NewerPushWaiting_Supersedes_ByTheBeforeChainOrByAncestry()
    {
        _graph.Chain(C("f1"), C("f2"), C("f3"));
        var push = Push(C("f0"), C("f1"));
        var chained = Push(C("f1"), C("f2"));
        var descendant = Push(C("zz"), C("f3"));

        var byChain = await DecideAsync(push, null, chained);
        var byAncestry = await DecideAsync(push, null, descendant);

        Assert.Equal(SupersedeDecision.Superseded($"superseded by {C("f2")} (delivery {chained.Delivery})"), byChain);
        Assert.Equal(SupersedeDecision.Superseded($"superseded by {C("f3")} (delivery {descendant.Delivery})"), byAncestry);
    }

    [Fact]
    public async Task WaitingDeletionOfTheBranch_Supersedes()
    {
        var deletion = TestEvents.Push(Repository, "main", after: "", eventType: "delete");

        var decision = await DecideAsync(Push(C("g0"), C("g1")), null, deletion);

        Assert.Equal(SupersedeDecision.Superseded($"the branch was deleted (delivery {deletion.Delivery})"), decision);
    }

    [Fact]
    public async Task WaitingOlderPush_OtherBranch_TagOrCheckEvent_DoesNotSupersede()
    {
        _graph.Chain(C("h1"), C("h2"));
        var push = Push(C("h1"), C("h2"));
        var older = Push(C("h0"), C("h1"));
        var otherBranch = Push(C("h2"), C("h9"), "other");
        var tag = TestEvents.Push(Repository, "refs/tags/v1", after: C("h9"), before: C("h2"));
        var check = TestEvents.Push(Repository, after: C("h9"), eventType: "check_suite", action: "requested");
        var rerun = Push(C("h2"), C("h9")) with { Rerun = 1 };

        var decision = await DecideAsync(push, null, older, otherBranch, tag, check, rerun);

        Assert.Null(decision);
    }

    public static TheoryData<string, WebhookEvent> NonParticipants() => new()
    {
        { "tag push", TestEvents.Push(Repository, "refs/tags/v1", after: C("k1")) },
        { "delete event", TestEvents.Push(Repository, "main", after: "", eventType: "delete") },
        { "push with deleted: true", TestEvents.Push(Repository, "main", after: WebhookEvent.ZeroRevision, before: C("k1"), deleted: true) },
        { "check suite", TestEvents.Push(Repository, after: C("k1"), eventType: "check_suite", action: "rerequested") },
        { "check run", TestEvents.Push(Repository, after: C("k1"), eventType: "check_run", action: "rerequested") },
        { "operator's re-run", TestEvents.Push(Repository, after: C("k1")) with { Rerun = 1 } },
    };

    [Theory]
    [MemberData(nameof(NonParticipants))]
    public async Task TagsDeletionsCheckEventsAndReruns_DoNotTakePart_AndGitIsNotAsked(string kind, WebhookEvent e)
    {
        var newer = Push(C("k1"), C("k2"));

        var decision = await DecideAsync(e, Applied(C("k1")), newer);

        Assert.True(decision is null, kind);
        Assert.False(Decider().TakesPart(e), kind);
        Assert.Equal(0, _graph.Questions);
    }

    [Fact]
    public async Task RefOutsideHandlerSupersedeRefs_DoesNotTakePart()
    {
        var push = Push(C("m1"), C("m2"), "release/1");

        var decision = await Decider("^refs/heads/main$").DecideAsync(push, Applied(C("m2")), [], CancellationToken.None);

        Assert.Null(decision);
        Assert.Equal(0, _graph.Questions);
    }

    [Fact]
    public async Task RefusedRemote_IsNoDecision_LeftToTheProcessorToRecord()
    {
        var decider = new SupersedeDecider(new RefusingGraph(), Options.Create(new SupersedeOptions()));

        var decision = await decider.DecideAsync(Push(C("n0"), C("n1")), Applied(C("n9")), [], CancellationToken.None);

        Assert.Null(decision);
    }

    [Fact]
    public async Task UnreachableGit_IsThrownOn_ForTheDeliveryToBeRetried()
    {
        var decider = new SupersedeDecider(new UnreachableGraph(), Options.Create(new SupersedeOptions()));

        var error = await Assert.ThrowsAsync<TransientException>(() =>
            decider.DecideAsync(Push(C("p0"), C("p1")), Applied(C("p9")), [], CancellationToken.None));

        Assert.Equal("git is unreachable", error.Message);
    }

    public static TheoryData<string, WebhookEvent, bool> OlderWorkStoppers() => new()
    {
        { "branch push", TestEvents.Push(Repository, after: C("q1")), true },
        { "branch deletion", TestEvents.Push(Repository, "feature", after: "", eventType: "delete"), true },
        { "branch deletion as a push", TestEvents.Push(Repository, "feature", after: WebhookEvent.ZeroRevision, deleted: true), true },
        { "tag push", TestEvents.Push(Repository, "refs/tags/v1", after: C("q1")), false },
        { "tag deletion", TestEvents.Push(Repository, "refs/tags/v1", after: "", eventType: "delete"), false },
        { "check suite", TestEvents.Push(Repository, after: C("q1"), eventType: "check_suite", action: "requested"), false },
        { "operator's re-run", TestEvents.Push(Repository, after: C("q1")) with { Rerun = 2 }, false },
        { "pull request push", ProcessingEvents.PullRequest(Repository, 7, C("q1"), "synchronize"), true },
        { "pull request opened", ProcessingEvents.PullRequest(Repository, 7, C("q1")), true },
        { "pull request closed", ProcessingEvents.PullRequest(Repository, 7, C("q1"), "closed"), true },
        { "merge group", ProcessingEvents.MergeGroup(Repository, "checks_requested", C("q1")), false },
        { "merge group destroyed", ProcessingEvents.MergeGroup(Repository, "destroyed", C("q1")), true },
        { "dispatch", ProcessingEvents.RefOnly(Repository, "workflow_dispatch", "refs/heads/main"), false },
    };

    private static WebhookEvent Synchronize(string before, string after) => ProcessingEvents.PullRequest(Repository, 7, after, "synchronize", before: before);

    private static RefRecord AppliedToThePullRequest(string revision) =>
        new(GitRef.PullRequest(7), revision, DeliveryId.Parse("applied-pr"), [], DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task PullRequestPush_WithANewerPushOfThatPullRequestWaiting_IsSuperseded_EvenAfterAForcePush()
    {
        var rewritten = Synchronize(C("r1"), C("r2"));
        var decision = await DecideAsync(Synchronize(C("r0"), C("r1")), null, Synchronize(C("x0"), C("x1")) with { Ref = GitRef.PullRequest(8) }, rewritten);

        Assert.Equal(SupersedeDecision.Superseded($"superseded by {C("r2")} (delivery {rewritten.Delivery})"), decision);
    }

    [Fact]
    public async Task PullRequestPush_WithTheCloseWaiting_IsSuperseded()
    {
        var closed = ProcessingEvents.PullRequest(Repository, 7, C("s1"), "closed");

        var decision = await DecideAsync(Synchronize(C("s0"), C("s1")), null, closed);

        Assert.Equal(SupersedeDecision.Superseded($"the pull request was closed (delivery {closed.Delivery})"), decision);
    }

    [Fact]
    public async Task PushToAMergeGroupsBranch_WithTheGroupsDestructionWaiting_IsSuperseded_AndSaysSo()
    {
        var destroyed = ProcessingEvents.MergeGroup(Repository, "destroyed", C("q1"));
        var push = TestEvents.Push(Repository, "gh-readonly-queue/main/pr-7-0123456789abcdef", C("q1"), C("q0"));

        var decision = await DecideAsync(push, null, destroyed);

        Assert.Equal(SupersedeDecision.Superseded($"the merge group was destroyed (delivery {destroyed.Delivery})"), decision);
    }

    [Fact]
    public async Task PullRequestPush_OfTheAppliedHead_IsStale_ButReopenedRunsItAgain()
    {
        var push = await DecideAsync(Synchronize(C("t0"), C("t1")), AppliedToThePullRequest(C("t1")));
        var reopened = await DecideAsync(ProcessingEvents.PullRequest(Repository, 7, C("t1"), "reopened"), AppliedToThePullRequest(C("t1")));

        Assert.Equal(SupersedeDecision.Stale($"{C("t1")} is already applied (delivery applied-pr)"), push);
        Assert.Null(reopened);
    }

    [Fact]
    public async Task PullRequestPush_UnrelatedToTheApplied_RunsOnlyWhenItIsThePullRequestsHead()
    {
        _graph.Head(Repository, "refs/pull/7/head", C("u2"));

        var head = await DecideAsync(Synchronize(C("u9"), C("u2")), AppliedToThePullRequest(C("u0")));
        var notHead = await DecideAsync(Synchronize(C("u9"), C("u1")), AppliedToThePullRequest(C("u0")));

        Assert.Null(head);
        Assert.Equal(SupersedeDecision.Stale($"{C("u1")} is unrelated to the applied {C("u0")} and is not the tip of refs/pull/7/head"), notHead);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("^refs/heads/", false)]
    [InlineData("^refs/pull/", true)]
    public void PullRequests_TakePartByDefault_AndAConfiguredPatternKeepsItsMeaning(string? refs, bool takesPart)
    {
        var decider = new SupersedeDecider(_graph, Options.Create(refs is null ? new SupersedeOptions() : new SupersedeOptions { Refs = refs }));

        Assert.Equal(takesPart, decider.TakesPart(Synchronize(C("v0"), C("v1"))));
        Assert.Equal(refs != "^refs/pull/", decider.TakesPart(Push(C("v0"), C("v1"))));
        Assert.True(decider.StopsOlderWork(ProcessingEvents.PullRequest(Repository, 7, C("v1"), "closed")));
    }

    [Theory]
    [MemberData(nameof(OlderWorkStoppers))]
    public void StopsOlderWork_ForPushesThatTakePart_AndTheEndOfARef(string kind, WebhookEvent e, bool stops)
    {
        Assert.True(Decider().StopsOlderWork(e) == stops, kind);
    }

    private sealed class RefusingGraph : IRevisionGraph
    {
        public Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken) =>
            throw new DeliveryRefusedException("the remote foo://x uses the scheme 'foo'");

        public Task<string?> RefTipAsync(WebhookEvent webhookEvent, GitRef reference, CancellationToken cancellationToken) =>
            throw new DeliveryRefusedException("the remote foo://x uses the scheme 'foo'");
    }

    private sealed class UnreachableGraph : IRevisionGraph
    {
        public Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken) =>
            throw new TransientException("git is unreachable");

        public Task<string?> RefTipAsync(WebhookEvent webhookEvent, GitRef reference, CancellationToken cancellationToken) =>
            throw new TransientException("git is unreachable");
    }
}
