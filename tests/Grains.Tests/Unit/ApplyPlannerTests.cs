using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class ApplyPlannerTests
{
    private static JsonObject Obj(string apiVersion, string kind, string name, string? ns = null) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
    };

    private static Task<ObjectPlan> Plan(KubernetesOptions options, params JsonObject[] objects) =>
        new ApplyPlanner(new OfflineKindResolver(), options.WithDefaults().Placement()).PlanAsync(objects, options.Namespace, CancellationToken.None);

    private static KubernetesOptions Options(params string[] kinds) => new() { AllowedKinds = [.. kinds] };

    [Fact]
    public async Task NamespacedObjectWithoutNamespace_GoesToTheTargetNamespace()
    {
        var plan = await Plan(Options("argoproj.io/Workflow"), Obj("argoproj.io/v1alpha1", "Workflow", "w"));

        Assert.Equal("ci", Assert.Single(plan).Namespace);
        Assert.Equal("/apis/argoproj.io/v1alpha1/namespaces/ci/workflows", plan[0].Resource.CollectionPath("ci"));
    }

    [Fact]
    public async Task KindNotAllowed_IsRefused_AndNothingIsPlanned()
    {
        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() =>
            Plan(Options("argoproj.io/Workflow"), Obj("argoproj.io/v1alpha1", "Workflow", "w"), Obj("v1", "Secret", "s")));

        Assert.Equal("v1/Secret is not an allowed kind (Handler:AllowedKinds is argoproj.io/Workflow)", error.Message);
    }

    [Fact]
    public async Task OtherNamespace_IsRefusedUnlessAllowed()
    {
        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() =>
            Plan(Options("argoproj.io/Workflow"), Obj("argoproj.io/v1alpha1", "Workflow", "w", "kube-system")));
        var options = Options("argoproj.io/Workflow");
        options.AllowedNamespaces.Add("builds");
        var allowed = await Plan(options, Obj("argoproj.io/v1alpha1", "Workflow", "w", "builds"));

        Assert.Contains("names namespace kube-system", refused.Message);
        Assert.Equal("builds", Assert.Single(allowed).Namespace);
    }

    [Fact]
    public async Task ClusterScopedKind_IsRefusedUnlessAllowed()
    {
        var options = Options("argoproj.io/ClusterWorkflowTemplate");
        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => Plan(options, Obj("argoproj.io/v1alpha1", "ClusterWorkflowTemplate", "t")));
        options.AllowClusterScoped = true;
        var allowed = await Plan(options, Obj("argoproj.io/v1alpha1", "ClusterWorkflowTemplate", "t", "ignored"));

        Assert.Contains("cluster-scoped", refused.Message);
        Assert.Null(Assert.Single(allowed).Namespace);
        Assert.Null(allowed[0].Body["metadata"]!["namespace"]);
    }

    [Fact]
    public async Task CoreKind_UsesTheCoreApiPath()
    {
        var plan = await Plan(Options("v1/ConfigMap"), Obj("v1", "ConfigMap", "c"));

        Assert.Equal("/api/v1/namespaces/ci/configmaps/c", plan[0].Resource.ObjectPath("ci", "c"));
    }

    [Fact]
    public async Task PlannedObject_CarriesItsIdentity()
    {
        var plan = await Plan(Options("argoproj.io/Workflow"), Obj("argoproj.io/v1alpha1", "Workflow", "w"));

        Assert.Equal(("argoproj.io/v1alpha1", "w", "ci", "Workflow ci/w"), (plan[0].ApiVersion, plan[0].Name, plan[0].Namespace, plan[0].Description));
    }

    public static TheoryData<string, JsonNode, string> NonStringFields => new()
    {
        { "name", JsonValue.Create(12), "Workflow metadata.name must be a string, not the number 12" },
        { "generateName", JsonValue.Create(true), "Workflow metadata.generateName must be a string, not the boolean true" },
        { "namespace", new JsonArray("a"), "Workflow w metadata.namespace must be a string, not a list" },
        { "labels", new JsonObject { ["team"] = 1 }, "Workflow metadata.labels.team must be a string, not the number 1" },
        { "annotations", new JsonObject { ["k8s-webhook-handler.io/supersede"] = false }, "Workflow metadata.annotations.k8s-webhook-handler.io/supersede must be a string, not the boolean false" },
        { "labels", new JsonObject { ["team"] = null }, "Workflow metadata.labels.team must be a string, not null" },
    };

    [Theory]
    [MemberData(nameof(NonStringFields))]
    public async Task NonStringMetadata_IsRefusedNamingTheField(string field, JsonNode value, string expected)
    {
        var obj = Obj("argoproj.io/v1alpha1", "Workflow", "w");
        obj["metadata"]![field] = value.DeepClone();

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() => Plan(Options("argoproj.io/Workflow"), obj));

        Assert.StartsWith(expected, error.Message);
    }
}

