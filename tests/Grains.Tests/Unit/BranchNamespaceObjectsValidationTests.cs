using K8sWebhookHandler.Grains.Kubernetes;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary><c>Handler:BranchNamespaces:Objects</c> that cannot be used refuse start-up, with one line saying what is accepted.</summary>
public sealed class BranchNamespaceObjectsValidationTests
{
    private const string Accepted =
        "It holds YAML documents of kinds v1/ServiceAccount, rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/RoleBinding, v1/ConfigMap, " +
        "v1/ResourceQuota, v1/LimitRange, networking.k8s.io/NetworkPolicy only, each with metadata.name, in no namespace but {namespace}, at most 50 objects and 65536 bytes.";

    private static IReadOnlyList<string> Errors(string? objects, string? template = "ci-{branch}") =>
        new KubernetesOptionsValidator().Validate(null, new KubernetesOptions { BranchNamespaces = { Template = template, Objects = objects } }.WithDefaults())
            .Failures?.ToList() ?? [];

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: argo-workflow}\n")]
    [InlineData("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: '{namespace}'}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b}\nspec: {podSelector: {}}\n")]
    public void UsableObjects_AreAccepted(string? objects) => Assert.Empty(Errors(objects));

    [Theory]
    [InlineData("kind: [", "invalid YAML at line 2, column 1: While parsing a node, did not find expected node content. It holds")]
    [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: everything}\n",
        "document 1: rbac.authorization.k8s.io/v1 ClusterRoleBinding is not a kind a branch namespace may be given")]
    [InlineData("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: kube-system}\n",
        "document 2: ConfigMap b names namespace kube-system; leave metadata.namespace out or set it to {namespace}")]
    [InlineData("apiVersion: v1\nkind: ServiceAccount\nmetadata: {generateName: a-}\n",
        "document 1: the ServiceAccount has no metadata.name (server-side apply needs a name; generateName is not used)")]
    public void ObjectsThatCannotBeUsed_RefuseStartUp_SayingWhy(string objects, string why)
    {
        var error = Assert.Single(Errors(objects));

        Assert.StartsWith($"Handler:BranchNamespaces:Objects cannot be used: {why}", error);
        Assert.EndsWith(Accepted, error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void TooManyObjects_AreRefused()
    {
        var objects = string.Join("---\n", Enumerable.Range(0, 51).Select(i => $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"));

        Assert.StartsWith("Handler:BranchNamespaces:Objects cannot be used: the manifest has 51 objects; at most 50 are allowed.", Assert.Single(Errors(objects)));
    }

    [Fact]
    public void ObjectsWithoutATemplate_AreRefused() =>
        Assert.Equal(
            ["Handler:BranchNamespaces:Objects is set but Handler:BranchNamespaces:Template is not: set the template (e.g. ci-{branch}) or remove the objects."],
            Errors("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n", template: null));
}
