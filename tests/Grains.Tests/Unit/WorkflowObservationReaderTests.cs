using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Integration;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class WorkflowObservationReaderTests
{
    private static readonly ResourceKind Workflows = new("argoproj.io", "v1alpha1", "Workflow", "workflows", true);

    [Theory]
    [InlineData(null, WorkflowPhase.Pending)]
    [InlineData("", WorkflowPhase.Pending)]
    [InlineData("Pending", WorkflowPhase.Pending)]
    [InlineData("Running", WorkflowPhase.Running)]
    [InlineData("Succeeded", WorkflowPhase.Succeeded)]
    [InlineData("Failed", WorkflowPhase.Failed)]
    [InlineData("Error", WorkflowPhase.Error)]
    public void DefinedOrMissingPhase_IsRead(string? phase, WorkflowPhase expected)
    {
        var (observation, skipped) = WorkflowObservationReader.Read(Workflows, Stored(WorkflowWatchHarness.Workflow("build", phase)));

        Assert.Null(skipped);
        Assert.Equal(expected, observation!.Phase);
        Assert.Equal((RepositoryKey.Parse("octo/hello"), "ci", "build", "7"), (observation.Repository, observation.Object.Namespace, observation.Object.Name, observation.ResourceVersion));
    }

    [Theory]
    [InlineData("running")]
    [InlineData("1")]
    [InlineData("Exploded")]
    public void UndefinedPhase_IsSkipped(string phase)
    {
        var (observation, skipped) = WorkflowObservationReader.Read(Workflows, Stored(WorkflowWatchHarness.Workflow("build", phase)));

        Assert.Null(observation);
        Assert.Equal("its status.phase is not one Argo Workflows defines", skipped);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"b","namespace":"ci","resourceVersion":"7","labels":[],"annotations":{}}}""")]
    [InlineData("""{"metadata":{"name":"b","namespace":"ci","resourceVersion":"7","labels":{"app.kubernetes.io/managed-by":"k8s-webhook-handler"},"annotations":"x"}}""")]
    [InlineData("""{"metadata":{"name":"b","namespace":"ci","resourceVersion":"7","labels":{"app.kubernetes.io/managed-by":"k8s-webhook-handler"},"annotations":{"k8s-webhook-handler.io/repo_name":7}}}""")]
    [InlineData("""{"metadata":{"name":"b","namespace":"ci","resourceVersion":"7","labels":{"app.kubernetes.io/managed-by":"k8s-webhook-handler"},"annotations":{"k8s-webhook-handler.io/repo_name":"a/b"}},"status":"Running"}""")]
    [InlineData("""{"metadata":{"name":"b","namespace":"ci","resourceVersion":"7","labels":{"app.kubernetes.io/managed-by":"k8s-webhook-handler"},"annotations":{"k8s-webhook-handler.io/repo_name":"a/b"}},"status":{"phase":["Running"]}}""")]
    [InlineData("""{"metadata":{"name":"b","resourceVersion":"7"}}""")]
    [InlineData("""{"metadata":"b"}""")]
    public void MisshapenObject_IsSkippedNotThrown(string json)
    {
        var (observation, skipped) = WorkflowObservationReader.Read(Workflows, JsonNode.Parse(json)!.AsObject());

        Assert.Null(observation);
        Assert.NotNull(skipped);
    }

    [Fact]
    public void LongMessage_IsCutWithoutSplittingASurrogatePair()
    {
        var workflow = Stored(WorkflowWatchHarness.Workflow("build", "Failed"));
        workflow["status"]!["message"] = new string('x', WorkflowObservationReader.MaxMessageLength - 1) + "😀" + new string('y', 5000);

        var (observation, _) = WorkflowObservationReader.Read(Workflows, workflow);

        Assert.Equal(new string('x', WorkflowObservationReader.MaxMessageLength - 1), observation!.Message);
    }

    [Fact]
    public void Namespaces_AreTheTargetAndAllowedOnesOrAllWithBranchNamespaces()
    {
        Assert.Equal(["ci", "tools"], WorkflowWatch.Namespaces(new KubernetesOptions { AllowedNamespaces = ["tools", "ci"] }));
        Assert.Equal([null], WorkflowWatch.Namespaces(new KubernetesOptions { AllowedNamespaces = ["tools"], BranchNamespaces = new() { Template = "ci-{branch}" } }));
    }

    private static JsonObject Stored(JsonObject workflow)
    {
        workflow["metadata"]!["resourceVersion"] = "7";
        return workflow;
    }
}
