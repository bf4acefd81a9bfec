using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.ProcessingEvents;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>A delivery that names only a ref (a dispatch, a release without a commit) runs that ref's tip when it is processed.</summary>
public sealed class RefTipProcessingTests
{
    private const string Repository = "octo/hello";
    private const string Manifest = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: w-}\n";

    private static (Processing.DeliveryProcessor Processor, FilesByRevision Git, RecordingWriter Sink) Create(Dictionary<string, string?> files) =>
        new ProcessorSettings().OverFiles(files);

    private static Dictionary<string, string> Annotations(RecordingWriter sink) =>
        Assert.Single(Assert.Single(sink.Applied))["metadata"]!["annotations"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    [Theory]
    [InlineData("workflow_dispatch", "refs/heads/release")]
    [InlineData("release", "refs/tags/v1.2.0")]
    public async Task EmptyRevision_RunsTheRefsTipNow_StampedAndAnsweredAsTheRevision(string eventType, string reference)
    {
        var tip = TestEvents.Sha(60);
        var (processor, git, sink) = Create(new() { [tip] = Manifest });
        git.Tips[reference] = tip;

        var result = await processor.ProcessAsync(RefOnly(Repository, eventType, reference, "published"), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, tip), (result.State, result.Revision));
        Assert.Equal([tip], git.Reads.Select(r => r.Revision));
        var annotations = Annotations(sink);
        Assert.Equal((reference, tip, eventType), (annotations["k8s-webhook-handler.io/ref"], annotations["k8s-webhook-handler.io/revision"], annotations["k8s-webhook-handler.io/event_type"]));
        Assert.Equal(8, annotations.Count);
    }

    [Theory]
    [InlineData("deployment", "refs/heads/main", 99, true)]
    [InlineData("deployment", "refs/heads/main", 50, true)]
    [InlineData("deployment", "", 50, true)]
    [InlineData("release", "refs/tags/v1", 50, true)]
    [InlineData("deployment", "refs/heads/main", 70, false)]
    [InlineData("deployment", "", 70, false)]
    [InlineData("release", "refs/tags/v1", 70, false)]
    public async Task NamedCommit_RunsOnlyWhenOnItsRef_NeverAForksCommit(string eventType, string reference, int commit, bool runs)
    {
        var sha = TestEvents.Sha(commit);
        var (processor, git, sink) = Create(new() { [sha] = Manifest });
        git.Tips["refs/tags/v1"] = TestEvents.Sha(99);
        git.Ancestry.Add((TestEvents.Sha(50), TestEvents.Sha(99)));
        var e = RefOnly(Repository, eventType, reference, "created") with { Revision = sha };

        var result = await processor.ProcessAsync(e, null, CancellationToken.None);

        Assert.Equal(runs ? (DeliveryState.Applied, 1) : (DeliveryState.Rejected, 0), (result.State, sink.Applied.Count));
        Assert.Equal(runs ? [sha] : [], git.Reads.Select(r => r.Revision));
    }

    [Fact]
    public async Task EmptyRevision_OfARefThatDoesNotExist_IsNoManifest_AndReadsNothing()
    {
        var (processor, git, sink) = Create(new() { [TestEvents.Sha(99)] = Manifest });

        var result = await processor.ProcessAsync(RefOnly(Repository, "workflow_dispatch", "refs/heads/gone"), null, CancellationToken.None);

        Assert.Equal((DeliveryState.NoManifest, "refs/heads/gone does not exist on the git server", null), (result.State, result.Reason, result.Revision));
        Assert.Empty(git.Reads);
        Assert.Empty(sink.Applied);
    }

    [Fact]
    public async Task EmptyRevisionWithoutARef_RunsTheDefaultBranchHead_UnderNoRef()
    {
        var (processor, git, sink) = Create(new() { [TestEvents.Sha(99)] = Manifest });

        var result = await processor.ProcessAsync(RefOnly(Repository, "deployment_status", ""), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, TestEvents.Sha(99)), (result.State, result.Revision));
        Assert.Equal([TestEvents.Sha(99)], git.Reads.Select(r => r.Revision));
        var annotations = Annotations(sink);
        Assert.Equal(("", TestEvents.Sha(99)), (annotations["k8s-webhook-handler.io/ref"], annotations["k8s-webhook-handler.io/revision"]));
    }

    [Fact]
    public async Task RepositoryDispatch_IsStampedWithItsClientPayload()
    {
        var (processor, git, sink) = Create(new() { [TestEvents.Sha(99)] = Manifest });
        var dispatch = RefOnly(Repository, "repository_dispatch", "refs/heads/main", "deploy") with { ClientPayload = """{"env":"staging","n":2}""" };

        var result = await processor.ProcessAsync(dispatch, null, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, TestEvents.Sha(99)), (result.State, result.Revision));
        var annotations = Annotations(sink);
        Assert.Equal("""{"env":"staging","n":2}""", annotations["k8s-webhook-handler.io/client_payload"]);
        Assert.Equal(("repository_dispatch", "deploy"), (annotations["k8s-webhook-handler.io/event_type"], annotations["k8s-webhook-handler.io/event_action"]));
        Assert.Equal(9, annotations.Count);
    }
}
