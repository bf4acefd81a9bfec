namespace K8sWebhookHandler.EndToEnd.Tests.Rbac;

/// <summary>How a request to the API server reads as the RBAC permission it needs.</summary>
public sealed class RbacPermissionTests
{
    private const string Workflows = "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows";

    [Theory]
    [InlineData("GET", Workflows + "/w", "", 200, "get workflows.argoproj.io in ci")]
    [InlineData("GET", Workflows, "labelSelector=a%3Db", 200, "list workflows.argoproj.io in ci")]
    [InlineData("GET", Workflows, "watch=true", 200, "watch workflows.argoproj.io in ci")]
    [InlineData("POST", Workflows, "fieldManager=x", 201, "create workflows.argoproj.io in ci")]
    [InlineData("PATCH", Workflows + "/w", "fieldManager=x&force=true", 200, "patch workflows.argoproj.io in ci")]
    [InlineData("PATCH", Workflows + "/w", "fieldManager=x&force=true", 201, "patch workflows.argoproj.io in ci; create workflows.argoproj.io in ci")]
    [InlineData("PUT", Workflows + "/w", "", 200, "update workflows.argoproj.io in ci")]
    [InlineData("PATCH", Workflows + "/w/status", "", 200, "patch workflows/status.argoproj.io in ci")]
    [InlineData("DELETE", Workflows + "/w", "", 200, "delete workflows.argoproj.io in ci")]
    [InlineData("DELETE", Workflows, "", 200, "deletecollection workflows.argoproj.io in ci")]
    [InlineData("GET", "/api/v1/namespaces/ci/configmaps/c", "", 404, "get configmaps in ci")]
    [InlineData("GET", "/api/v1/namespaces/ci-feature", "", 404, "get namespaces in (cluster)")]
    [InlineData("POST", "/api/v1/namespaces", "", 201, "create namespaces in (cluster)")]
    [InlineData("DELETE", "/api/v1/namespaces/ci-feature", "", 200, "delete namespaces in (cluster)")]
    [InlineData("GET", "/apis/argoproj.io/v1alpha1/clusterworkflowtemplates/t", "", 200, "get clusterworkflowtemplates.argoproj.io in (cluster)")]
    [InlineData("GET", "/version", "", 200, "")]
    [InlineData("GET", "/api", "", 200, "")]
    [InlineData("GET", "/api/v1", "", 200, "")]
    [InlineData("GET", "/apis", "", 200, "")]
    [InlineData("GET", "/apis/argoproj.io/v1alpha1", "", 200, "")]
    public void Request_NeedsThePermissionTheApiServerChecks(string method, string path, string query, int status, string expected)
    {
        var watch = query == "watch=true";

        Assert.Equal(expected, string.Join("; ", RbacPermission.NeededBy(method, path, watch, status)));
    }
}
