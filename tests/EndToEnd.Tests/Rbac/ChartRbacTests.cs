using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;
using Xunit.Abstractions;

namespace K8sWebhookHandler.EndToEnd.Tests.Rbac;

/// <summary>
/// The chart's RBAC is derived from what the handler does, not written down beside it: the handler runs with the
/// settings the chart gives its silos, against the API emulator, through every scenario that touches Kubernetes
/// (apply of named and <c>generateName</c> objects of each allowed kind, superseding, branch namespaces, branch
/// deletion). Every request it made, as an RBAC verb on a resource in a namespace, must be granted to the silos'
/// ServiceAccount by a binding (the chart's, or a RoleBinding the handler wrote into a branch namespace) to one of the
/// chart's roles, and everything granted must have been used (<see cref="RbacGrants.Compare"/>).
/// </summary>
public sealed class ChartRbacTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Secret = "chart-rbac-secret";

    private readonly TempDirectory _directory = new("chart-rbac");
    private GitServer _git = null!;
    private KubeApiEmulatorServer _emulator = null!;

    public async Task InitializeAsync()
    {
        _git = await GitServer.StartAsync();
        _emulator = await KubeApiEmulatorServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _git.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("defaults (Stop, no branch namespaces)", false, "")]
    [InlineData("Delete mode with branch namespaces", false, "handler: {supersede: {mode: Delete}, branchNamespaces: {template: 'ci-{branch}'}}")]
    [InlineData("no superseding, ConfigMaps allowed", false,
        "handler: {supersede: {mode: None, otherKinds: None}, allowedKinds: [{group: argoproj.io, kind: Workflow, resource: workflows}, {group: '', kind: ConfigMap, resource: configmaps}]}")]
    [InlineData("ci/test-values.yaml (Terminate, other kinds Delete, ConfigMaps, branch namespaces)", true, "")]
    public async Task ChartRoles_GrantExactlyTheRequestsTheHandlerMakes(string configuration, bool testValues, string values)
    {
        var chart = await RenderAsync(testValues, values);
        var settings = chart.SiloSettings();
        var workflowNamespace = settings["Handler__Namespace"];
        if (_emulator.Find("", "namespaces", null, workflowNamespace) is null)
        {
            _emulator.CreateNamespace(workflowNamespace);
        }

        var written = new List<JsonObject>();
        await using (var handler = await HandlerProcess.StartAsync(new Dictionary<string, string>(settings)
        {
            ["WEBHOOK_SECRET"] = Secret,
            ["KUBECONFIG"] = _emulator.WriteKubeconfig(_directory.Combine("kubeconfig")),
        }))
        {
            using var client = new WebhookClient(handler, Secret);
            // Read before the feature branch's deletion takes its namespace, and the RoleBindings in it, away.
            await new RbacScenarios(_git, client, settings).RunAsync(() => written.AddRange(_emulator.FindAll("rbac.authorization.k8s.io", "rolebindings")));
        }

        var needed = _emulator.Requests.Snapshot().SelectMany(RbacPermission.NeededBy).ToList();
        var granted = RbacGrants.Of(chart, written, "ci");
        output.WriteLine($"{configuration}: the handler needed {string.Join("; ", needed.Select(p => p.ToString()).Distinct().Order(StringComparer.Ordinal))}");
        var (missing, unused) = RbacGrants.Compare(granted, needed);
        Assert.True(missing.Count == 0 && unused.Count == 0,
            $"{configuration}: the chart's RBAC differs from what the handler did.\n" +
            $"needed but not granted: {string.Join("; ", missing)}\ngranted but never needed: {string.Join("; ", unused)}");
    }

    /// <summary>The chart with the scenario's values, pointed at the test's git server, with retries quick enough for a test.</summary>
    private async Task<RenderedChart> RenderAsync(bool testValues, string values)
    {
        var common = _directory.Combine("common-values.yaml");
        await File.WriteAllTextAsync(common, $$"""
            redis:
              host: redis.ci.svc
            handler:
              cloneUrl: GitUrl
              git:
                allowedRemotes: ["{{_git.GitRoot}}"]
              extraEnv:
                - {name: Handler__RetryDelay, value: "00:00:00.200"}
                - {name: Handler__MaxRetryDelay, value: "00:00:01"}
            """);
        var scenario = _directory.Combine("scenario-values.yaml");
        await File.WriteAllTextAsync(scenario, values);
        var files = testValues ? [Path.Combine(RenderedChart.ChartDirectory, "ci", "test-values.yaml"), scenario, common] : new[] { scenario, common };
        return await RenderedChart.RenderAsync(_directory.Combine("helm-home"), "ci", files);
    }
}
