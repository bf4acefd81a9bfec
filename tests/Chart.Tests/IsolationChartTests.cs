using System.Text.Json.Nodes;
using static K8sWebhookHandler.Chart.Tests.ChartRenderer;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// What the chart keeps apart: the silo ports from everything but silos and the Api (NetworkPolicy), the handler's
/// rights to the namespaces it writes to (a Role in each), and secrets that stay the same from one render to the next.
/// </summary>
public sealed class IsolationChartTests : IDisposable
{
    private readonly ChartRenderer _helm = new();

    public void Dispose() => _helm.Dispose();

    [Fact]
    public async Task NetworkPolicy_ByDefault_LetsOnlySilosReachTheSiloPort_AndSilosAndTheApiTheGateway()
    {
        var objects = await _helm.RenderAsync();
        var policy = One(objects, "NetworkPolicy", "-silo");

        Assert.Equal("silo", policy["spec"]!["podSelector"]!["matchLabels"]!["app.kubernetes.io/component"]!.GetValue<string>());
        Assert.Equal(["Ingress"], policy["spec"]!["policyTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        var silo = Container(One(objects, "Deployment", "-silo"));
        Assert.Equal(11111, ContainerPort(silo, "silo"));
        Assert.Equal(30000, ContainerPort(silo, "gateway"));
        Assert.Equal(["silo"], Peers(Rule(policy, "silo")));
        Assert.Equal(["api", "silo"], Peers(Rule(policy, "gateway")));
        Assert.Null(Rule(policy, "http")["from"]);
        Assert.DoesNotContain(policy["spec"]!["ingress"]!.AsArray(), r => Port(r!) == "management");
        Assert.Equal(["silo", "gateway", "http"], policy["spec"]!["ingress"]!.AsArray().Select(r => Port(r!)));
    }

    [Fact]
    public async Task NetworkPolicy_OfTheApi_AdmitsTheWebhookFromAnywhereByDefault_AndManagementFromTheNamedPeersOnly()
    {
        var policy = One(await _helm.RenderAsync("-f", ProductionValues), "NetworkPolicy", "-api");

        Assert.Equal("api", policy["spec"]!["podSelector"]!["matchLabels"]!["app.kubernetes.io/component"]!.GetValue<string>());
        Assert.Null(Rule(policy, "http")["from"]);
        var peer = Assert.Single(Rule(policy, "management")["from"]!.AsArray())!;
        Assert.Equal("monitoring", peer["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
    }

    [Fact]
    public async Task NetworkPolicy_TurnedOff_IsNotRendered()
    {
        Assert.DoesNotContain(await _helm.RenderAsync("--set", "networkPolicy.enabled=false"), o => Kind(o) == "NetworkPolicy");
    }

    [Fact]
    public async Task AllowedNamespaces_EachGetARoleBoundToTheSilos_AndTheHandlerIsToldOfThem()
    {
        var objects = await _helm.RenderAsync("--set", "handler.allowedNamespaces={tools,previews}");

        Assert.Equal(["ci", "previews", "tools"], objects.Where(o => Kind(o) == "Role").Select(r => r["metadata"]!["namespace"]!.GetValue<string>()).Order());
        foreach (var ns in new[] { "ci", "previews", "tools" })
        {
            var binding = Assert.Single(objects, o => Kind(o) == "RoleBinding" && o["metadata"]!["namespace"]!.GetValue<string>() == ns);
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal(("hooks-k8s-webhook-handler", "ci"), (subject["name"]!.GetValue<string>(), subject["namespace"]!.GetValue<string>()));
            Assert.Equal(["get", "create", "patch", "list", "watch"], Verbs(Assert.Single(objects, o => Kind(o) == "Role" && o["metadata"]!["namespace"]!.GetValue<string>() == ns), "argoproj.io", "workflows"));
        }

        Assert.DoesNotContain(objects, o => Kind(o) is "ClusterRole" or "ClusterRoleBinding");
        var env = EnvValues(Container(One(objects, "Deployment", "-silo")));
        Assert.Equal(("tools", "previews"), (env["Handler__AllowedNamespaces__0"], env["Handler__AllowedNamespaces__1"]));
    }

    [Fact]
    public async Task Production_HasARolePerAllowedNamespace_BesidesTheBranchNamespacesRbac()
    {
        var objects = await _helm.RenderAsync("-f", ProductionValues);

        Assert.Equal(["ci-previews", "ci-tools"], objects.Where(o => Kind(o) == "Role").Select(r => r["metadata"]!["namespace"]!.GetValue<string>()).Order());
        Assert.Equal(3, One(objects, "Deployment", "-silo")["spec"]!["replicas"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("production-values.yaml")]
    [InlineData("")]
    public async Task TwoRenders_WithExistingSecretsNamed_GiveTheSameSecretsAndPodTemplates(string valuesFile)
    {
        string[] values = valuesFile.Length == 0 ? ["--set", "webhook.existingSecret=hooks-secret"] : CiValues(valuesFile);
        var first = await _helm.RenderAsync(values);
        var second = await _helm.RenderAsync(values);

        static IEnumerable<string> Stable(IReadOnlyList<JsonObject> objects) => objects.Where(o => Kind(o) is "Secret" or "Deployment").Select(o => o.ToJsonString());
        Assert.Equal(Stable(first), Stable(second));
        Assert.DoesNotContain(first, o => Kind(o) == "Secret");
    }

    [Fact]
    public async Task ExistingSecrets_EachHaveAChecksumOnThePodsThatReadThem()
    {
        var objects = await _helm.RenderAsync("-f", ProductionValues);

        Assert.Equal(["checksum/ci-github", "checksum/ci-management", "checksum/ci-redis"], Annotations(One(objects, "Deployment", "-silo")));
        Assert.Equal(["checksum/ci-management", "checksum/ci-redis", "checksum/ci-webhook"], Annotations(One(objects, "Deployment", "-api")));
    }

    [Fact]
    public async Task GeneratedWebhookSecret_IsKeptOnUninstall()
    {
        var secret = One(await _helm.RenderAsync(), "Secret");

        Assert.Equal("keep", secret["metadata"]!["annotations"]!["helm.sh/resource-policy"]!.GetValue<string>());
    }

    private static IEnumerable<string> Annotations(JsonObject deployment) => PodMetadata(deployment)["annotations"]!.AsObject().Select(a => a.Key).Order(StringComparer.Ordinal);

    private static long ContainerPort(JsonObject container, string name) =>
        Assert.Single(container["ports"]!.AsArray(), p => p!["name"]!.GetValue<string>() == name)!["containerPort"]!.GetValue<long>();

    private static string Port(JsonNode rule) => Assert.Single(rule["ports"]!.AsArray())!["port"]!.GetValue<string>();

    private static JsonNode Rule(JsonObject policy, string port) => Assert.Single(policy["spec"]!["ingress"]!.AsArray(), r => Port(r!) == port)!;

    /// <summary>The components whose pods a rule admits; each peer must select exactly one component of this release.</summary>
    private static IEnumerable<string> Peers(JsonNode rule) => rule["from"]!.AsArray().Select(peer =>
    {
        var labels = peer!["podSelector"]!["matchLabels"]!.AsObject();
        Assert.Null(peer["namespaceSelector"]);
        Assert.Equal(("k8s-webhook-handler", "hooks"), (labels["app.kubernetes.io/name"]!.GetValue<string>(), labels["app.kubernetes.io/instance"]!.GetValue<string>()));
        Assert.Equal(3, labels.Count);
        return labels["app.kubernetes.io/component"]!.GetValue<string>();
    }).Order(StringComparer.Ordinal);
}
