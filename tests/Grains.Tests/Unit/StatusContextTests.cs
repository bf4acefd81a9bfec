using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The context a Workflow's phase is reported under, as planning decides it.</summary>
public sealed class StatusContextTests
{
    private static JsonObject Obj(string kind, string? name, string? generateName = null, string? context = null) => new()
    {
        ["apiVersion"] = kind == "Workflow" ? "argoproj.io/v1alpha1" : "batch/v1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["generateName"] = generateName,
            ["annotations"] = context is null ? null : new JsonObject { [StatusContext.Annotation] = context },
        },
    };

    private static async Task<string?> ContextOf(JsonObject obj)
    {
        var options = new KubernetesOptions { AllowedKinds = ["argoproj.io/Workflow", "batch/Job"] };
        var plan = await new ApplyPlanner(new OfflineKindResolver(), options.WithDefaults().Placement()).PlanAsync([obj], "ci", CancellationToken.None);
        return Assert.Single(plan).Context;
    }

    [Theory]
    [InlineData("build", null, null, "k8s-webhook-handler/build")]
    [InlineData("build-abc12", "build-", null, "k8s-webhook-handler/build")]
    [InlineData("ci-x", "ci", null, "k8s-webhook-handler/ci")]
    [InlineData("build", null, "ci/unit tests", "ci/unit tests")]
    public async Task Workflow_IsReportedUnderItsAnnotationOrItsName(string name, string? generateName, string? context, string expected) =>
        Assert.Equal(expected, await ContextOf(Obj("Workflow", name, generateName, context)));

    [Fact]
    public async Task OtherKinds_AreNotReported() => Assert.Null(await ContextOf(Obj("Job", "migrate")));

    [Theory]
    [InlineData("")]
    [InlineData(" padded")]
    [InlineData("line\nbreak")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789x")]
    public async Task UnshowableContext_RefusesTheManifest(string context)
    {
        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => ContextOf(Obj("Workflow", "build", context: context)));

        Assert.Equal($"Workflow build: {StatusContext.Annotation} must be 1 to 100 characters without control characters or surrounding spaces", refused.Message);
    }
}
