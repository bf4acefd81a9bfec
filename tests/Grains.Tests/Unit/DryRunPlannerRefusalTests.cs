using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Configuration;
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
        var folder = new DryRunFolder(Options.Create(new DataDirectoryOptions { DataDirectory = _data.Path }), NullLogger<DryRunFolder>.Instance);
        var everyRevision = Enumerable.Range(1, 9).Append(99).ToDictionary(n => TestEvents.Sha(n), _ => (string?)manifest);
        var processor = settings.Processor(new FilesByRevision(everyRevision), new OfflineKindResolver(), folder, folder);

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
