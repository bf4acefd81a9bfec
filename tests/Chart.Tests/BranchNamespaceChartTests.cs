using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Kubernetes;
using static K8sWebhookHandler.Chart.Tests.ChartRenderer;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// Branch namespaces: the handler's rights on the allowed kinds are bound per namespace, never cluster-wide; what each
/// branch namespace gets reaches the handler as objects it accepts; the admission policy renders and is accepted.
/// </summary>
public sealed class BranchNamespaceChartTests : IAsyncLifetime
{
    private const string Rbac = "rbac.authorization.k8s.io";
    private readonly ChartRenderer _helm = new();
    private KubeApiEmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await KubeApiEmulatorServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _helm.Dispose();
    }

    private static string RoleRef(JsonObject binding) => binding["roleRef"]!["name"]!.GetValue<string>();

    private static IEnumerable<(string Group, string Resource, string Verb)> Grants(JsonObject role) =>
        from rule in role["rules"]!.AsArray()
        from g in rule!["apiGroups"]!.AsArray()
        from r in rule["resources"]!.AsArray()
        from v in rule["verbs"]!.AsArray()
        select (g!.GetValue<string>(), r!.GetValue<string>(), v!.GetValue<string>());

    /// <summary>The handler's settings as the silos get them, read as the handler reads its branch-namespace objects.</summary>
    private static IReadOnlyList<JsonObject> ObjectsOf(IReadOnlyList<JsonObject> rendered) =>
        BranchNamespaceObjects.For(EnvValues(Container(One(rendered, "Deployment", "-silo")))["Handler__BranchNamespaces__Objects"], "ci-feature");

    [Fact]
    public async Task NoClusterRoleBinding_GrantsTheAllowedKinds_ButListAndWatchOnWorkflows()
    {
        var objects = await _helm.RenderAsync("-f", TestValues);

        var clusterWide = objects.Where(o => Kind(o) == "ClusterRoleBinding")
            .Select(b => One(objects, "ClusterRole", RoleRef(b)))
            .SelectMany(Grants)
            .Where(g => (g.Group, g.Resource) is ("argoproj.io", "workflows") or ("", "configmaps"))
            .Order();

        Assert.Equal([("argoproj.io", "workflows", "list"), ("argoproj.io", "workflows", "watch")], clusterWide);
        var branch = One(objects, "ClusterRole", "-branch");
        Assert.DoesNotContain(objects, o => Kind(o) == "ClusterRoleBinding" && RoleRef(o) == Name(branch));
        var inWorkflowNamespace = Assert.Single(objects, o => Kind(o) == "RoleBinding" && RoleRef(o) == Name(branch));
        Assert.Equal("workflows", inWorkflowNamespace["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public async Task ObjectsSetting_IsAcceptedByTheHandler_AndHoldsTheWorkflowAccountAndBothBindings()
    {
        var rendered = await _helm.RenderAsync("-f", TestValues);
        var objects = ObjectsOf(rendered);

        Assert.Equal(["RoleBinding hooks-k8s-webhook-handler-branch", "ServiceAccount argo-workflow", "RoleBinding argo-workflow-executor"],
            objects.Select(o => $"{Kind(o)} {Name(o)}"));
        Assert.All(objects, o => Assert.Equal("ci-feature", o["metadata"]!["namespace"]!.GetValue<string>()));
        var handler = objects[0];
        Assert.Equal(Name(One(rendered, "ClusterRole", "-branch")), RoleRef(handler));
        Assert.Equal(PodSpec(One(rendered, "Deployment", "-silo"))["serviceAccountName"]!.GetValue<string>(), handler["subjects"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("ci", handler["subjects"]![0]!["namespace"]!.GetValue<string>());
        var executor = objects[2];
        Assert.Equal(Name(One(rendered, "ClusterRole", "-executor")), RoleRef(executor));
        Assert.Equal(("argo-workflow", "ci-feature"), (executor["subjects"]![0]!["name"]!.GetValue<string>(), executor["subjects"]![0]!["namespace"]!.GetValue<string>()));
        Assert.Equal([("argoproj.io", "workflowtaskresults", "create"), ("argoproj.io", "workflowtaskresults", "patch")], Grants(One(rendered, "ClusterRole", "-executor")));
    }

    [Fact]
    public async Task ExtraObjectsAndClusterRolesToBind_ReachTheObjectsAndTheClusterWideRole()
    {
        var values = _helm.Combine("extra-values.yaml");
        await File.WriteAllTextAsync(values, """
            handler:
              branchNamespaces:
                workflowServiceAccount: builder
                extraObjects:
                  - {apiVersion: v1, kind: ResourceQuota, metadata: {name: quota}, spec: {hard: {pods: "20"}}}
                bindClusterRoles: [view]
            """);

        var rendered = await _helm.RenderAsync("-f", TestValues, "-f", values);

        Assert.Equal(["RoleBinding", "ServiceAccount builder", "RoleBinding", "ResourceQuota quota"],
            ObjectsOf(rendered).Select(o => Kind(o) == "RoleBinding" ? Kind(o) : $"{Kind(o)} {Name(o)}"));
        var role = One(rendered, "ClusterRole", "hooks-k8s-webhook-handler");
        Assert.Equal(["create", "patch"], Verbs(role, "", "resourcequotas"));
        var bind = Assert.Single(role["rules"]!.AsArray(), r => r!["verbs"]![0]!.GetValue<string>() == "bind")!;
        Assert.Equal(["hooks-k8s-webhook-handler-branch", "hooks-k8s-webhook-handler-executor", "view"], bind["resourceNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task ObjectOfAKindNotAccepted_FailsTheRender()
    {
        var values = _helm.Combine("cluster-role-values.yaml");
        await File.WriteAllTextAsync(values, "handler: {branchNamespaces: {extraObjects: [{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: x}}]}}\n");

        var result = await _helm.TryHelmAsync(Template("-f", TestValues, "-f", values));

        Assert.False(result.Succeeded);
        Assert.Contains("handler.branchNamespaces.extraObjects.0.kind must be one of the following: \"ServiceAccount\", \"Role\", \"RoleBinding\"", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdmissionPolicy_RendersWhenEnabled_ForTheSilosAccount_AndIsAcceptedByTheApiServer()
    {
        var without = await _helm.RenderAsync("-f", TestValues);
        var rendered = _helm.Combine("admission.yaml");
        await File.WriteAllTextAsync(rendered, await _helm.HelmAsync(Template("-f", TestValues, "--set", "handler.branchNamespaces.admissionPolicy.enabled=true")));
        var objects = Read(await File.ReadAllTextAsync(rendered));
        _emulator.CreateNamespace("workflows");
        var kubectl = new Kubectl(_emulator.WriteKubeconfig(_helm.Combine("kubeconfig")));

        var output = await kubectl.RunCheckedAsync("apply", "-f", rendered);

        Assert.DoesNotContain(without, o => Kind(o).StartsWith("ValidatingAdmissionPolicy", StringComparison.Ordinal));
        var policy = One(objects, "ValidatingAdmissionPolicy");
        Assert.Equal(Name(policy), One(objects, "ValidatingAdmissionPolicyBinding")["spec"]!["policyName"]!.GetValue<string>());
        Assert.Equal("request.userInfo.username == 'system:serviceaccount:ci:hooks-k8s-webhook-handler'", policy["spec"]!["matchConditions"]![0]!["expression"]!.GetValue<string>());
        Assert.Equal(3, policy["spec"]!["validations"]!.AsArray().Count);
        Assert.Contains($"validatingadmissionpolicy.admissionregistration.k8s.io/{Name(policy)} created", output, StringComparison.Ordinal);
        Assert.NotNull(_emulator.Find("admissionregistration.k8s.io", "validatingadmissionpolicybindings", null, Name(policy)));
        Assert.NotNull(_emulator.Find(Rbac, "clusterroles", null, "hooks-k8s-webhook-handler-executor"));
    }
}
