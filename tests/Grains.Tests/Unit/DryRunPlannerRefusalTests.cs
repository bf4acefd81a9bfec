using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// A value YAML reads as a number or boolean where Kubernetes wants a string is a final rejection on the first
/// attempt, naming the field, and the dry run (which plans offline) refuses it just as the cluster applier does.
/// </summary>
public sealed class DryRunPlannerRefusalTests : IDisposable
{
    private readonly TempDirectory _data = new("dry-run");

    public void Dispose() => _data.Dispose();

    /// <summary>Every revision holds the one manifest.</summary>
    private sealed class OneManifest(string yaml) : IGitMirror
    {
        public Task<string?> ReadFileAsync(RepositoryKey repository, string remoteUrl, string revision, string path, CancellationToken cancellationToken) =>
            Task.FromResult<string?>(yaml);

        public Task<string?> ResolveBranchAsync(RepositoryKey repository, string remoteUrl, string branch, CancellationToken cancellationToken) =>
            Task.FromResult<string?>(TestEvents.Sha(7));

        public Task<bool> IsAncestorAsync(RepositoryKey repository, string remoteUrl, string ancestor, string descendant, CancellationToken cancellationToken) =>
            Task.FromResult(false);
    }

    [Theory]
    [InlineData("{name: 0x1F}", "Workflow metadata.name must be a string, not the number 31")]
    [InlineData("{name: 12}", "Workflow metadata.name must be a string, not the number 12")]
    [InlineData("{generateName: true}", "Workflow metadata.generateName must be a string, not the boolean true")]
    [InlineData("{name: w, namespace: [a]}", "Workflow w metadata.namespace must be a string, not a list")]
    [InlineData("{name: w, annotations: {k8s-webhook-handler.io/supersede: 12}}", "Workflow metadata.annotations.k8s-webhook-handler.io/supersede must be a string")]
    [InlineData("[w]", "Workflow metadata must be a mapping, not a list")]
    public async Task NonStringValue_IsRejectedOnTheFirstAttempt_AndNothingIsWritten(string metadata, string expected)
    {
        var settings = new ProcessorSettings { Kubernetes = new KubernetesOptions { DryRun = true }.WithDefaults() };
        var manifest = $"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {metadata}\nspec: {{entrypoint: main}}\n";
        var sink = new DryRunSink(Options.Create(settings.Kubernetes), Options.Create(new DataDirectoryOptions { DataDirectory = _data.Path }), NullLogger<DryRunSink>.Instance);
        var processor = settings.Processor(new OneManifest(manifest), sink);

        var push = await processor.ProcessAsync(TestEvents.Push("o/r"), null, CancellationToken.None);
        var delete = await processor.ProcessAsync(TestEvents.Push("o/r", "feature", eventType: "delete"), null, CancellationToken.None);

        Assert.All([push, delete], result =>
        {
            Assert.Equal(DeliveryState.Rejected, result.State);
            Assert.False(result.Transient);
            Assert.StartsWith(expected, result.Reason);
        });
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "dry-run")));
    }
}
