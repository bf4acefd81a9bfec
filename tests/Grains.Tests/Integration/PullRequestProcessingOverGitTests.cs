using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// The processor over the real git adapter and a real git server that publishes pull requests as GitHub does: what a
/// pull request and a ref-only delivery read, stamp and answer.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class PullRequestProcessingOverGitTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IDisposable
{
    private const string ManifestPath = ".ci/workflow.yaml";
    private const string BaseManifest = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: base-}\n";
    private const string ForkManifest = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: pwned-}\n";
    private readonly TempDirectory _data = new("processing-pulls");

    public void Dispose() => _data.Dispose();

    private (Processing.DeliveryProcessor Processor, RecordingWriter Sink) Processor(PullRequestCheckout checkout = PullRequestCheckout.Head)
    {
        var options = new GitOptions { AllowedRemotes = [git.Server.GitRoot.ToString()], CloneUrl = CloneUrlSource.GitUrl };
        var settings = new ProcessorSettings { Git = options, PullRequests = new PullRequestOptions { Checkout = checkout } };
        var sink = new RecordingWriter();
        return (settings.Processor(Mirrors.Create(options, _data.Path), new OfflineKindResolver(), sink, sink), sink);
    }

    private WebhookEvent On(GitRepository repository, WebhookEvent e)
    {
        var url = git.Server.GitUrl(repository.FullName).ToString();
        return e with { Repository = new RepositoryFacts(repository.FullName, url, url, url, repository.DefaultBranch) };
    }

    private static Dictionary<string, string> Annotations(RecordingWriter sink) =>
        Assert.Single(Assert.Single(sink.Applied))["metadata"]!["annotations"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    private async Task<GitRepository> UpstreamAsync()
    {
        var upstream = await git.Server.CreateRepositoryAsync("owner/upstream-" + Guid.NewGuid().ToString("N")[..8]);
        await upstream.CommitFileAsync("main", ManifestPath, BaseManifest);
        return upstream;
    }

    [Fact]
    public async Task ForkPullRequestWhoseCommitRewritesTheManifest_RunsTheBaseBranchsCurrentManifest_AtTheForksCommit()
    {
        var upstream = await UpstreamAsync();
        var fork = await git.Server.CreateForkAsync(upstream, "stranger/upstream-" + Guid.NewGuid().ToString("N")[..8]);
        var head = await fork.CommitFileAsync("feature", ManifestPath, ForkManifest);
        await upstream.PublishPullRequestAsync(5, head, headRepository: fork);
        await upstream.CommitFileAsync("main", ManifestPath, BaseManifest.Replace("base-", "current-", StringComparison.Ordinal));
        var (processor, sink) = Processor();

        var result = await processor.ProcessAsync(On(upstream, ProcessingEvents.PullRequest(upstream.FullName, 5, head, headRepository: fork.FullName)), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, head), (result.State, result.Revision));
        Assert.StartsWith("current-", Assert.Single(result.Objects).Name);
        var annotations = Annotations(sink);
        Assert.Equal((head, "refs/pull/5/head", fork.FullName),
            (annotations["k8s-webhook-handler.io/revision"], annotations["k8s-webhook-handler.io/ref"], annotations["k8s-webhook-handler.io/pr_head_repo"]));
    }

    [Fact]
    public async Task SameRepositoryPullRequest_WithMergeCheckout_RunsGitHubsTestMerge()
    {
        var upstream = await UpstreamAsync();
        var head = await upstream.CommitAsync("feature", new Dictionary<string, string?> { [ManifestPath] = BaseManifest.Replace("base-", "feature-", StringComparison.Ordinal) }, "feature", startPoint: "main");
        await upstream.CommitFileAsync("main", "README", "the base moved on");
        var merge = await upstream.CreateTestMergeAsync(head);
        await upstream.PublishPullRequestAsync(6, head, merge);
        var (processor, sink) = Processor(PullRequestCheckout.Merge);

        var result = await processor.ProcessAsync(On(upstream, ProcessingEvents.PullRequest(upstream.FullName, 6, head, "synchronize")), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, merge), (result.State, result.Revision));
        Assert.StartsWith("feature-", Assert.Single(result.Objects).Name);
        var annotations = Annotations(sink);
        Assert.Equal(("refs/pull/6/merge", merge), (annotations["k8s-webhook-handler.io/ref"], annotations["k8s-webhook-handler.io/revision"]));
        Assert.Equal(["refs/pull/6/merge"], sink.Stops.Select(s => s.Ref));
    }

    [Fact]
    public async Task MergeCheckout_BeforeGitHubPreparedTheMergeOfTheNewHead_IsRetried()
    {
        var upstream = await UpstreamAsync();
        var first = await upstream.CommitFileAsync("feature", "src", "1");
        var firstMerge = await upstream.CreateTestMergeAsync(first);
        await upstream.PublishPullRequestAsync(7, first, firstMerge);
        var second = await upstream.CommitFileAsync("feature", "src", "2");
        var (processor, sink) = Processor(PullRequestCheckout.Merge);

        var result = await processor.ProcessAsync(On(upstream, ProcessingEvents.PullRequest(upstream.FullName, 7, second, "synchronize")), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Queued, true), (result.State, result.Transient));
        Assert.Equal($"refs/pull/7/merge at {firstMerge} does not merge the head {second} (yet): GitHub prepares the test merge after a push", result.Reason);
        Assert.Empty(sink.Applied);
    }

    [Fact]
    public async Task RefOnlyDelivery_OfAnAnnotatedTag_RunsTheTagsCommit()
    {
        var upstream = await UpstreamAsync();
        var tagged = await upstream.CommitFileAsync("main", "README", "release");
        await upstream.TagAsync("v2.0.0", tagged, "release v2");
        await upstream.CommitFileAsync("main", "README", "after the release");
        var (processor, sink) = Processor();

        var result = await processor.ProcessAsync(On(upstream, ProcessingEvents.RefOnly(upstream.FullName, "release", "refs/tags/v2.0.0", "published")), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, tagged), (result.State, result.Revision));
        Assert.Equal(tagged, Annotations(sink)["k8s-webhook-handler.io/revision"]);
    }
}
