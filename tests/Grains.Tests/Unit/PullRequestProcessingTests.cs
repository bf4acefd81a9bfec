using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.ProcessingEvents;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// What a pull request's and a merge group's deliveries run: where the manifest is read (a fork: the base branch), what
/// is stamped, and whose workflows are stopped.
/// </summary>
public sealed class PullRequestProcessingTests
{
    private const string Repository = "octo/hello";
    private const string BaseManifest = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: base-}\n";
    private const string ForkManifest = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: pwned-}\n";
    private static readonly string Head = TestEvents.Sha(7);
    private static readonly string BaseHead = TestEvents.Sha(99);

    private static (Processing.DeliveryProcessor Processor, FilesByRevision Git, RecordingWriter Sink) Create(
        Dictionary<string, string?> files, PullRequestCheckout checkout = PullRequestCheckout.Head) =>
        new ProcessorSettings { PullRequests = new PullRequestOptions { Checkout = checkout } }.OverFiles(files);

    private static JsonObject Metadata(RecordingWriter sink) => Assert.Single(Assert.Single(sink.Applied))["metadata"]!.AsObject();

    private static Dictionary<string, string> Strings(JsonNode? node) =>
        node!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    private static RefRecord Previous(string reference, string name) =>
        new(Abstractions.Identity.GitRef.Parse(reference), TestEvents.Sha(6), Abstractions.Identity.DeliveryId.Parse("older"),
            [new AppliedObject("argoproj.io/v1alpha1", "Workflow", "ci", name)], DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task SameRepositoryPullRequest_ReadsItsHeadCommit_AndIsStampedWithThePullRequestsFacts()
    {
        var opened = PullRequest(Repository, 7, Head);
        var (processor, git, sink) = Create(new() { [Head] = BaseManifest });

        var result = await processor.ProcessAsync(opened, null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, Head), (result.State, result.Revision));
        Assert.Equal([Head], git.Reads.Select(r => r.Revision));
        var metadata = Metadata(sink);
        Assert.Equal(new Dictionary<string, string>
        {
            ["k8s-webhook-handler.io/ref"] = "refs/pull/7/head",
            ["k8s-webhook-handler.io/revision"] = Head,
            ["k8s-webhook-handler.io/before"] = BaseSha,
            ["k8s-webhook-handler.io/repo_name"] = Repository,
            ["k8s-webhook-handler.io/repo_url"] = $"git://example.com/{Repository}.git",
            ["k8s-webhook-handler.io/repo_ssh"] = $"git@example.com:{Repository}.git",
            ["k8s-webhook-handler.io/event_type"] = "pull_request",
            ["k8s-webhook-handler.io/event_action"] = "opened",
            ["k8s-webhook-handler.io/pr_number"] = "7",
            ["k8s-webhook-handler.io/pr_base_ref"] = "main",
            ["k8s-webhook-handler.io/pr_head_ref"] = "feature",
            ["k8s-webhook-handler.io/pr_head_repo"] = Repository,
        }, Strings(metadata["annotations"]));
        Assert.Equal("7", metadata["labels"]!["k8s-webhook-handler.io/pr_number"]!.GetValue<string>());
        Assert.Equal("refs.pull.7.head", metadata["labels"]!["k8s-webhook-handler.io/ref"]!.GetValue<string>());
        Assert.Equal(["refs/pull/7/head"], sink.Stops.Select(s => s.Ref));
    }

    [Fact]
    public async Task ForkPullRequestChangingTheManifest_RunsTheBaseBranchsManifest_StampedWithTheForksCommit()
    {
        var synchronize = PullRequest(Repository, 7, Head, "synchronize", headRepository: "stranger/hello", before: TestEvents.Sha(6));
        var (processor, git, sink) = Create(new() { [Head] = ForkManifest, [BaseHead] = BaseManifest });

        var result = await processor.ProcessAsync(synchronize, null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, Head), (result.State, result.Revision));
        Assert.Equal([BaseHead], git.Reads.Select(r => r.Revision));
        var metadata = Metadata(sink);
        Assert.StartsWith("base-", metadata["name"]!.GetValue<string>());
        var annotations = Strings(metadata["annotations"]);
        Assert.Equal((Head, TestEvents.Sha(6), "stranger/hello"),
            (annotations["k8s-webhook-handler.io/revision"], annotations["k8s-webhook-handler.io/before"], annotations["k8s-webhook-handler.io/pr_head_repo"]));
    }

    [Fact]
    public async Task ForkPullRequest_WhoseBaseBranchIsGone_IsNoManifest_AndNeverReadsTheFork()
    {
        var opened = PullRequest(Repository, 7, Head, headRepository: "", baseRef: "gone");
        var (processor, git, sink) = Create(new() { [Head] = ForkManifest });

        var result = await processor.ProcessAsync(opened, null, CancellationToken.None);

        Assert.Equal((DeliveryState.NoManifest, "the pull request's base branch gone does not exist"), (result.State, result.Reason));
        Assert.Empty(git.Reads);
        Assert.Empty(sink.Applied);
    }

    [Fact]
    public async Task ForkPullRequest_WithoutAManifestOnTheBaseBranch_SaysWhereItLooked()
    {
        var opened = PullRequest(Repository, 7, Head, headRepository: "stranger/hello");
        var (processor, _, sink) = Create(new() { [Head] = ForkManifest });

        var result = await processor.ProcessAsync(opened, null, CancellationToken.None);

        Assert.Equal(DeliveryState.NoManifest, result.State);
        Assert.Equal($".ci/workflow.yaml does not exist at {BaseHead} (the base branch main: the pull request's head is on stranger/hello)", result.Reason);
        Assert.Empty(sink.Applied);
    }

    [Fact]
    public async Task PullRequestWithoutItsFacts_IsRejected_AndNothingIsRead()
    {
        var (processor, git, sink) = Create(new() { [Head] = ForkManifest, [BaseHead] = BaseManifest });

        var result = await processor.ProcessAsync(PullRequest(Repository, 7, Head) with { PullRequest = null }, null, CancellationToken.None);

        Assert.Equal((DeliveryState.Rejected, "the pull_request delivery carries no pull request facts (number, head and base)"), (result.State, result.Reason));
        Assert.Empty(git.Reads);
        Assert.Empty(sink.Applied);
    }

    [Fact]
    public async Task MergeCheckout_RunsTheTestMergeUnderItsRef_ReadStampedAndSupersededThere()
    {
        var merge = TestEvents.Sha(70);
        var (processor, git, sink) = Create(new() { [merge] = BaseManifest }, PullRequestCheckout.Merge);
        git.Tips["refs/pull/7/merge"] = merge;
        git.Ancestry.Add((Head, merge));

        var result = await processor.ProcessAsync(PullRequest(Repository, 7, Head, "synchronize"), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, merge), (result.State, result.Revision));
        Assert.Equal([merge], git.Reads.Select(r => r.Revision));
        var annotations = Strings(Metadata(sink)["annotations"]);
        Assert.Equal(("refs/pull/7/merge", merge), (annotations["k8s-webhook-handler.io/ref"], annotations["k8s-webhook-handler.io/revision"]));
        Assert.Equal(["refs/pull/7/merge"], sink.Stops.Select(s => s.Ref));
    }

    [Fact]
    public async Task MergeCheckout_OfAForkPullRequest_StampsTheTestMerge_ButReadsTheBaseBranch()
    {
        var merge = TestEvents.Sha(70);
        var (processor, git, sink) = Create(new() { [merge] = ForkManifest, [BaseHead] = BaseManifest }, PullRequestCheckout.Merge);
        git.Tips["refs/pull/7/merge"] = merge;
        git.Ancestry.Add((Head, merge));

        var result = await processor.ProcessAsync(PullRequest(Repository, 7, Head, headRepository: "stranger/hello"), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, merge), (result.State, result.Revision));
        Assert.Equal([BaseHead], git.Reads.Select(r => r.Revision));
        Assert.StartsWith("base-", Metadata(sink)["name"]!.GetValue<string>());
        Assert.Equal("refs/pull/7/merge", Strings(Metadata(sink)["annotations"])["k8s-webhook-handler.io/ref"]);
    }

    [Fact]
    public async Task MergeCheckout_WithoutATestMergeOfTheHead_IsRetried_AndNothingIsRead()
    {
        var (processor, git, sink) = Create(new() { [Head] = BaseManifest }, PullRequestCheckout.Merge);
        var missing = await processor.ProcessAsync(PullRequest(Repository, 7, Head), null, CancellationToken.None);
        git.Tips["refs/pull/7/merge"] = TestEvents.Sha(69);

        var older = await processor.ProcessAsync(PullRequest(Repository, 7, Head), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Queued, true), (missing.State, missing.Transient));
        Assert.Equal("refs/pull/7/merge does not exist (yet): GitHub prepares the test merge after a push, and none while the pull request has conflicts", missing.Reason);
        Assert.Equal((DeliveryState.Queued, true), (older.State, older.Transient));
        Assert.Equal($"refs/pull/7/merge at {TestEvents.Sha(69)} does not merge the head {Head} (yet): GitHub prepares the test merge after a push", older.Reason);
        Assert.Empty(git.Reads);
        Assert.Empty(sink.Applied);
    }

    [Theory]
    [InlineData(PullRequestCheckout.Head)]
    [InlineData(PullRequestCheckout.Merge)]
    public async Task Closed_AppliesTheHeadsManifestOnce_ThenStopsEveryWorkflowOfThePullRequest(PullRequestCheckout checkout)
    {
        var closed = PullRequest(Repository, 7, Head, "closed");
        var (processor, git, sink) = Create(new() { [Head] = BaseManifest }, checkout);
        var previous = Previous("refs/pull/7/head", "base-older");

        var result = await processor.ProcessAsync(closed, previous, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, Head), (result.State, result.Revision));
        Assert.Equal([Head], git.Reads.Select(r => r.Revision));
        var annotations = Strings(Metadata(sink)["annotations"]);
        Assert.Equal(("closed", "refs/pull/7/head"), (annotations["k8s-webhook-handler.io/event_action"], annotations["k8s-webhook-handler.io/ref"]));
        Assert.Equal(["refs/pull/7/head", "refs/pull/7/merge"], sink.Stops.Select(s => s.Ref));
        Assert.All(sink.Stops, s => Assert.Equal(result.Objects, s.Keep));
        Assert.Equal(["base-older", "base-older"], result.Stopped.Select(o => o.Name));
    }

    [Fact]
    public async Task ClosedForkPullRequest_AppliesTheBaseBranchsManifest()
    {
        var closed = PullRequest(Repository, 7, Head, "closed", headRepository: "stranger/hello");
        var (processor, git, sink) = Create(new() { [Head] = ForkManifest, [BaseHead] = BaseManifest });

        var result = await processor.ProcessAsync(closed, null, CancellationToken.None);

        Assert.Equal(DeliveryState.Applied, result.State);
        Assert.Equal([BaseHead], git.Reads.Select(r => r.Revision));
        Assert.StartsWith("base-", Metadata(sink)["name"]!.GetValue<string>());
        Assert.Equal(2, sink.Stops.Count);
    }

    [Fact]
    public async Task MergeGroupChecksRequested_RunsItsHeadOnItsBranch_AndStopsNothing()
    {
        var group = MergeGroup(Repository, "checks_requested", Head);
        var (processor, git, sink) = Create(new() { [Head] = BaseManifest });

        var result = await processor.ProcessAsync(group, null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, Head), (result.State, result.Revision));
        Assert.Equal([Head], git.Reads.Select(r => r.Revision));
        var annotations = Strings(Metadata(sink)["annotations"]);
        Assert.Equal(("refs/heads/gh-readonly-queue/main/pr-7-0123456789abcdef", "merge_group", BaseSha),
            (annotations["k8s-webhook-handler.io/ref"], annotations["k8s-webhook-handler.io/event_type"], annotations["k8s-webhook-handler.io/before"]));
        Assert.Equal(8, annotations.Count);
        Assert.Empty(sink.Stops);
    }

    [Fact]
    public async Task MergeGroupDestroyed_StopsTheGroupsWorkflows_AndAppliesNothing()
    {
        var destroyed = MergeGroup(Repository, "destroyed", Head);
        var (processor, git, sink) = Create(new() { [BaseHead] = BaseManifest });
        var previous = Previous(destroyed.Ref.Value, "base-running");

        var result = await processor.ProcessAsync(destroyed, previous, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, null, Head), (result.State, result.Reason, result.Revision));
        Assert.Empty(result.Objects);
        Assert.Empty(sink.Applied);
        var stop = Assert.Single(sink.Stops);
        Assert.Equal((destroyed.Ref.Value, 0), (stop.Ref, stop.Keep.Count));
        Assert.Equal([("Workflow", "ci")], stop.Previous.Select(p => (p.Kind, p.Namespace!)).Distinct());
        Assert.Contains(result.Stopped, o => o.Name == "base-running");
        Assert.Equal([BaseHead], git.Reads.Select(r => r.Revision));
    }

    [Fact]
    public async Task MergeGroupDestroyed_RemovesTheBranchNamespaceMadeForIt()
    {
        var settings = new ProcessorSettings { Kubernetes = new KubernetesOptions { BranchNamespaces = { Template = "ci-{branch}" } } };
        var (processor, _, sink) = settings.OverFiles(new() { [BaseHead] = BaseManifest });
        var checks = MergeGroup(Repository, "checks_requested", Head, "gh-readonly-queue/main/pr-7-abc");
        var destroyed = MergeGroup(Repository, "destroyed", Head, "gh-readonly-queue/main/pr-7-abc");

        await processor.ProcessAsync(checks with { Revision = BaseHead }, null, CancellationToken.None);
        var result = await processor.ProcessAsync(destroyed, null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, null), (result.State, result.Reason));
        Assert.Equal(["ensure:ci-gh-readonly-queue-main-pr-7-abc", "ci-gh-readonly-queue-main-pr-7-abc", "delete:ci-gh-readonly-queue-main-pr-7-abc"], sink.Namespaces);
        var stop = Assert.Single(sink.Stops);
        Assert.Equal(("refs/heads/gh-readonly-queue/main/pr-7-abc", "ci-gh-readonly-queue-main-pr-7-abc"), (stop.Ref, stop.Previous.Single().Namespace));
    }
}
