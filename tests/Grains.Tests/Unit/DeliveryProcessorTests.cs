using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class DeliveryProcessorTests
{
    private const string Manifest = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: w-}\n";

    private static (DeliveryProcessor Processor, FilesByRevision Git, RecordingWriter Sink) Create(ProcessorSettings settings, Dictionary<string, string?> files) =>
        settings.OverFiles(files);

    [Theory]
    [InlineData(CloneUrlSource.CloneUrl, "https://example.com/o/r.git")]
    [InlineData(CloneUrlSource.GitUrl, "git://example.com/o/r.git")]
    public async Task CloneUrlSetting_ChoosesThePayloadUrl(CloneUrlSource source, string expected)
    {
        var push = TestEvents.Push("o/r");
        var (processor, git, sink) = Create(new ProcessorSettings { Git = new GitOptions { CloneUrl = source } }, new() { [push.Revision] = Manifest });

        var result = await processor.ProcessAsync(push, null, CancellationToken.None);

        Assert.Equal(DeliveryState.Applied, result.State);
        Assert.Equal((expected, push.Revision), Assert.Single(git.Reads));
        Assert.Single(sink.Applied);
    }

    [Fact]
    public async Task Deletion_ReadsTheDefaultBranchHead()
    {
        var delete = TestEvents.Push("o/r", "feature", after: "", eventType: "delete");
        var (processor, git, sink) = Create(new ProcessorSettings(), new() { [TestEvents.Sha(99)] = Manifest });

        var result = await processor.ProcessAsync(delete, null, CancellationToken.None);

        Assert.Equal(DeliveryState.Applied, result.State);
        Assert.Equal(TestEvents.Sha(99), Assert.Single(git.Reads).Revision);
        Assert.Equal("delete", sink.Applied[0][0]["metadata"]!["annotations"]!["k8s-webhook-handler.io/event_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task BranchDeletionArrivingAsAPush_IsStampedAsADeleteEvent()
    {
        var deletedPush = TestEvents.Push("o/r", "feature", after: WebhookEvent.ZeroRevision, before: TestEvents.Sha(7), deleted: true);
        var (processor, _, sink) = Create(new ProcessorSettings(), new() { [TestEvents.Sha(99)] = Manifest });

        var result = await processor.ProcessAsync(deletedPush, null, CancellationToken.None);

        Assert.Equal(DeliveryState.Applied, result.State);
        var annotations = sink.Applied[0][0]["metadata"]!["annotations"]!;
        Assert.Equal("delete", annotations["k8s-webhook-handler.io/event_type"]!.GetValue<string>());
        Assert.Equal("", annotations["k8s-webhook-handler.io/event_action"]!.GetValue<string>());
        Assert.Equal(TestEvents.Sha(7), annotations["k8s-webhook-handler.io/before"]!.GetValue<string>());
        Assert.Single(sink.Superseded);
    }

    [Theory]
    [InlineData("push")]
    [InlineData("delete")]
    public async Task TagDeletion_WithoutAnObjectAskingForIt_IsIgnored_AndStopsNothing(string eventType)
    {
        var deletion = TestEvents.Push("o/r", "refs/tags/v1", after: eventType == "push" ? WebhookEvent.ZeroRevision : "", before: TestEvents.Sha(7),
            deleted: eventType == "push", eventType: eventType);
        var (processor, _, sink) = Create(new ProcessorSettings(), new() { [TestEvents.Sha(99)] = Manifest });

        var result = await processor.ProcessAsync(deletion, null, CancellationToken.None);

        Assert.Equal(DeliveryState.Ignored, result.State);
        Assert.Contains(DeliveryProcessor.TagDeletionAnnotation, result.Reason);
        Assert.Empty(sink.Applied);
        Assert.Empty(sink.Superseded);
    }

    [Fact]
    public async Task TagDeletion_AppliesOnlyTheObjectsThatAskForIt_AndStopsNothing()
    {
        const string manifest = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {generateName: build-}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: cleanup-
              annotations: {k8s-webhook-handler.io/run-on-tag-deletion: "true"}
            """;
        var deletion = TestEvents.Push("o/r", "refs/tags/v1", after: "", eventType: "delete");
        var (processor, _, sink) = Create(new ProcessorSettings(), new() { [TestEvents.Sha(99)] = manifest });

        var result = await processor.ProcessAsync(deletion, null, CancellationToken.None);

        Assert.Equal(DeliveryState.Applied, result.State);
        var applied = Assert.Single(Assert.Single(sink.Applied));
        Assert.StartsWith("cleanup-", applied["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("delete", applied["metadata"]!["annotations"]!["k8s-webhook-handler.io/event_type"]!.GetValue<string>());
        Assert.Empty(sink.Superseded);
    }

    [Fact]
    public async Task MissingOrEmptyManifest_IsNoManifest_AndBrokenOneIsRejected()
    {
        var missing = TestEvents.Push("o/r", after: TestEvents.Sha(1));
        var empty = TestEvents.Push("o/r", after: TestEvents.Sha(2));
        var broken = TestEvents.Push("o/r", after: TestEvents.Sha(3));
        var (processor, _, sink) = Create(new ProcessorSettings(), new() { [TestEvents.Sha(2)] = "# nothing\n", [TestEvents.Sha(3)] = "kind: [" });

        var results = new[]
        {
            await processor.ProcessAsync(missing, null, CancellationToken.None),
            await processor.ProcessAsync(empty, null, CancellationToken.None),
            await processor.ProcessAsync(broken, null, CancellationToken.None),
        };

        Assert.Equal([DeliveryState.NoManifest, DeliveryState.NoManifest, DeliveryState.Rejected], results.Select(r => r.State));
        Assert.StartsWith("invalid YAML", results[2].Reason);
        Assert.Empty(sink.Applied);
    }

    [Fact]
    public async Task SupersedeAnnotationWiderThanConfigured_IsRejected_BeforeAnythingIsAppliedOrANamespaceMade()
    {
        const string wider = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: w-, annotations: {k8s-webhook-handler.io/supersede: delete}}\n";
        var push = TestEvents.Push("o/r", "feature");
        var options = new ProcessorSettings { Kubernetes = new KubernetesOptions { BranchNamespaces = { Template = "ci-{branch}" } } };
        var (processor, _, sink) = Create(options, new() { [push.Revision] = wider });

        var result = await processor.ProcessAsync(push, null, CancellationToken.None);

        Assert.Equal(DeliveryState.Rejected, result.State);
        Assert.Equal(
            "k8s-webhook-handler.io/supersede: \"delete\" asks for more than this handler is configured for (Handler:Supersede:Mode=Stop, OtherKinds=None); a manifest may only narrow it",
            result.Reason);
        Assert.Empty(sink.Applied);
        Assert.Empty(sink.Namespaces);
        Assert.Empty(sink.Superseded);
    }
}
