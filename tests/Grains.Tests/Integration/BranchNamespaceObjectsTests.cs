using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
using K8sWebhookHandler.KubeApiEmulator.Storage;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// What a branch namespace the handler makes is given (<c>Handler:BranchNamespaces:Objects</c>), over the whole processing
/// of a delivery against the emulator; and how a 403 in such a namespace is taken while its RoleBindings take effect.
/// </summary>
public sealed class BranchNamespaceObjectsTests : IAsyncLifetime
{
    private const string Namespace = "ci-feat-x";
    private const string Rbac = "rbac.authorization.k8s.io";
    private const string NamedWorkflow = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: build}\nspec: {entrypoint: main}\n";

    private const string Objects = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: handler}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: hooks-branch}
        subjects: [{kind: ServiceAccount, name: hooks, namespace: ci}]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: argo-workflow, namespace: "{namespace}"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: argo-workflow-executor}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: hooks-executor}
        subjects: [{kind: ServiceAccount, name: argo-workflow, namespace: "{namespace}"}]
        """;

    private ApplierHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ApplierHarness.StartAsync(TimeSpan.FromSeconds(60));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static ProcessorSettings Settings => new()
    {
        Kubernetes = new KubernetesOptions { BranchNamespaces = { Template = "ci-{branch}", Objects = Objects } },
    };

    private Task<ProcessingResult> ProcessAsync() =>
        _harness.Processor(Settings, NamedWorkflow).ProcessAsync(TestEvents.Push("owner/repo", "feat/x"), null, CancellationToken.None);

    private static bool ApplyOfBuild(RecordedRequest r) => r.Method == "PATCH" && r.Path == $"/apis/argoproj.io/v1alpha1/namespaces/{Namespace}/workflows/build";

    private IEnumerable<string> Provisioned() =>
        _harness.Emulator.FindAll(Rbac, "rolebindings", Namespace).Concat(_harness.Emulator.FindAll("", "serviceaccounts", Namespace))
            .Select(o => $"{o["kind"]} {o["metadata"]!["name"]}").Order(StringComparer.Ordinal);

    [Fact]
    public async Task NewBranchNamespace_GetsTheObjects_WithItsNameForThePlaceholder_BeforeTheManifest()
    {
        var result = await ProcessAsync();

        Assert.Equal(DeliveryState.Applied, result.State);
        Assert.Equal(["RoleBinding argo-workflow-executor", "RoleBinding handler", "ServiceAccount argo-workflow"], Provisioned());
        var executor = _harness.Emulator.Find(Rbac, "rolebindings", Namespace, "argo-workflow-executor")!;
        Assert.Equal(Namespace, executor["subjects"]![0]!["namespace"]!.GetValue<string>());
        var labels = _harness.Emulator.Find("", "serviceaccounts", Namespace, "argo-workflow")!["metadata"]!["labels"]!;
        Assert.Equal(StampKeys.ManagedByValue, labels[StampKeys.ManagedByLabel]!.GetValue<string>());
        Assert.Equal("refs.heads.feat.x", labels[StampKeys.RefLabel]!.GetValue<string>());
        var writes = _harness.Emulator.Requests.Snapshot().Where(r => r.Method is "POST" or "PATCH").ToList();
        Assert.Equal(
        [
            "POST /api/v1/namespaces",
            $"PATCH /apis/{Rbac}/v1/namespaces/{Namespace}/rolebindings/handler",
            $"PATCH /api/v1/namespaces/{Namespace}/serviceaccounts/argo-workflow",
            $"PATCH /apis/{Rbac}/v1/namespaces/{Namespace}/rolebindings/argo-workflow-executor",
            $"PATCH /apis/argoproj.io/v1alpha1/namespaces/{Namespace}/workflows/build",
        ], writes.Select(r => $"{r.Method} {r.Path}"));
        Assert.All(writes.Skip(1), w => Assert.Equal("k8s-webhook-handler", w.QueryValue("fieldManager")));
    }

    [Fact]
    public async Task NamespaceTheHandlerDidNotMake_GetsNothing()
    {
        _harness.Emulator.CreateNamespace(Namespace);

        var result = await ProcessAsync();

        Assert.Equal(DeliveryState.Applied, result.State);
        Assert.Empty(Provisioned());
        Assert.NotNull(_harness.Emulator.Find("argoproj.io", "workflows", Namespace, "build"));
    }

    [Fact]
    public async Task FailureBetweenCreatingTheNamespaceAndGivingItsObjects_IsRepairedByTheDeliverysRetry()
    {
        _harness.Emulator.Faults.FailNext(1, 503, r => r.Method == "PATCH" && r.Path.EndsWith("/serviceaccounts/argo-workflow", StringComparison.Ordinal));

        var failed = await ProcessAsync();
        var partly = Provisioned().ToList();
        var workflowBeforeRetry = _harness.Emulator.Find("argoproj.io", "workflows", Namespace, "build");
        var retried = await ProcessAsync();

        Assert.True(failed.Transient, failed.Reason);
        Assert.NotNull(_harness.Emulator.Find("", "namespaces", null, Namespace));
        Assert.Equal(["RoleBinding handler"], partly);
        Assert.Null(workflowBeforeRetry);
        Assert.Equal(DeliveryState.Applied, retried.State);
        Assert.Equal(["RoleBinding argo-workflow-executor", "RoleBinding handler", "ServiceAccount argo-workflow"], Provisioned());
    }

    [Fact]
    public async Task ForbiddenInANamespaceTheHandlerJustMade_IsTriedAgain()
    {
        _harness.Emulator.Faults.FailNext(1, 403, ApplyOfBuild);

        var forbidden = await ProcessAsync();
        var retried = await ProcessAsync();

        Assert.Equal((DeliveryState.Queued, true), (forbidden.State, forbidden.Transient));
        Assert.StartsWith($"Workflow {Namespace}/build: forbidden in namespace {Namespace}, which the handler made ", forbidden.Reason);
        Assert.Contains("its RoleBindings may not have reached the authorizer yet (injected fault: forbidden)", forbidden.Reason);
        Assert.Equal(DeliveryState.Applied, retried.State);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ForbiddenInANamespaceMadeAMinuteAgoOrNotByTheHandler_IsRefused(bool handlers)
    {
        if (handlers)
        {
            Assert.Equal(DeliveryState.Applied, (await ProcessAsync()).State);
            Age(Namespace, TimeSpan.FromSeconds(61));
        }
        else
        {
            _harness.Emulator.CreateNamespace(Namespace);
        }

        _harness.Emulator.Faults.FailNext(1, 403, ApplyOfBuild);
        var forbidden = await ProcessAsync();

        Assert.Equal((DeliveryState.Rejected, false), (forbidden.State, forbidden.Transient));
        Assert.Equal($"Workflow {Namespace}/build: the handler's service account may not do this: injected fault: forbidden", forbidden.Reason);
    }

    /// <summary>Moves the namespace's creationTimestamp back by <paramref name="age"/>, as if it had been made that long ago.</summary>
    private void Age(string name, TimeSpan age)
    {
        lock (_harness.Emulator.Store.Gate)
        {
            var key = new ObjectKey("", "namespaces", "", name);
            var ns = (JsonObject)_harness.Emulator.Store.Get(key)!.DeepClone();
            ns["metadata"]!["creationTimestamp"] = (DateTimeOffset.UtcNow - age).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            _harness.Emulator.Store.Put(key, ns);
        }
    }
}
