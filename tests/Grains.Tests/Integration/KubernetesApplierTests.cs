using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.KubeApiEmulator;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>The applier against the strict emulator: what it sends, and how it takes the server's answers.</summary>
public sealed class KubernetesApplierTests : IAsyncLifetime
{
    private ApplierHarness _harness = null!;

    private KubeApiEmulatorServer Emulator => _harness.Emulator;

    /// <summary>Long enough for any answer on a busy machine; the one test about a timeout holds its request for good.</summary>
    public async Task InitializeAsync() => _harness = await ApplierHarness.StartAsync(TimeSpan.FromSeconds(10));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private ClusterPath Applier(params string[] kinds) => _harness.Applier(kinds);

    private static IReadOnlyList<JsonObject> Stamped(Abstractions.Events.WebhookEvent e, params string[] yaml) => ApplierHarness.Stamped(e, yaml);

    private const string GeneratedWorkflow = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: build-}\nspec: {entrypoint: main}\n";

    [Fact]
    public async Task GenerateNameObject_IsCreatedOnce_EvenWhenTheSameDeliveryIsAppliedAgain()
    {
        var push = TestEvents.Push("owner/repo");
        var objects = Stamped(push, GeneratedWorkflow);

        var first = await Applier().ApplyAsync(objects, push, "ci", CancellationToken.None);
        var second = await Applier().ApplyAsync(objects, push, "ci", CancellationToken.None);

        Assert.Equal(first, second);
        var stored = Assert.Single(Emulator.FindAll("argoproj.io", "workflows", "ci"));
        Assert.Equal(first[0].Name, stored["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(push.Revision, stored["metadata"]!["annotations"]![StampKeys.Revision]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateThatTimedOutButHappened_IsFoundOnRetry_AndNotDuplicated()
    {
        var push = TestEvents.Push("owner/repo");
        var objects = Stamped(push, GeneratedWorkflow);
        var release = new TaskCompletionSource();
        Emulator.Faults.HoldNext(1, release.Task, r => r.Method == "POST" && r.Path.EndsWith("/workflows", StringComparison.Ordinal));

        // The API server holds the create until the client has given up on it, then carries it out.
        var timeout = await Assert.ThrowsAsync<TransientException>(() => Applier().ApplyAsync(objects, push, "ci", CancellationToken.None));
        release.SetResult();
        await Emulator.Requests.Snapshot().First(r => r.Method == "POST" && r.Path.EndsWith("/workflows", StringComparison.Ordinal)).Completed;
        var retried = await Applier().ApplyAsync(objects, push, "ci", CancellationToken.None);

        Assert.Contains("did not answer", timeout.Message);
        Assert.Single(Emulator.FindAll("argoproj.io", "workflows", "ci"));
        Assert.Single(retried);
    }

    [Fact]
    public async Task NamedObject_IsServerSideAppliedWithTheFieldManager()
    {
        var push = TestEvents.Push("owner/repo");
        var template = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: shared}\nspec: {entrypoint: main}\n";

        await Applier("argoproj.io/WorkflowTemplate").ApplyAsync(Stamped(push, template), push, "ci", CancellationToken.None);
        var created = Emulator.Find("argoproj.io", "workflowtemplates", "ci", "shared");
        await Applier("argoproj.io/WorkflowTemplate").ApplyAsync(Stamped(TestEvents.Push("owner/repo", after: TestEvents.Sha(2)), template), push, "ci", CancellationToken.None);

        var stored = Emulator.Find("argoproj.io", "workflowtemplates", "ci", "shared")!;
        Assert.Equal(TestEvents.Sha(2), stored["metadata"]!["annotations"]![StampKeys.Revision]!.GetValue<string>());
        var patches = Emulator.Requests.Snapshot().Where(r => r.Method == "PATCH").ToList();
        Assert.Equal(2, patches.Count);
        Assert.All(patches, p => Assert.Equal("k8s-webhook-handler", p.QueryValue("fieldManager")));
        Assert.All(patches, p => Assert.StartsWith("application/apply-patch+yaml", p.ContentType));
        Assert.Null(JsonNode.Parse(patches[0].Body)!["metadata"]!["resourceVersion"]);
        Assert.Equal(created!["metadata"]!["resourceVersion"]!.GetValue<string>(), JsonNode.Parse(patches[1].Body)!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServerErrors_AreTransient_AndClientErrorsAreRejections()
    {
        var push = TestEvents.Push("owner/repo");
        Emulator.Faults.FailNext(1, 503, r => r.Method == "POST");
        var unavailable = await Assert.ThrowsAsync<TransientException>(() => Applier().ApplyAsync(Stamped(push, GeneratedWorkflow), push, "ci", CancellationToken.None));
        Emulator.Faults.FailNext(1, 429, r => r.Method == "POST", TimeSpan.FromSeconds(1));
        var throttled = await Assert.ThrowsAsync<TransientException>(() => Applier().ApplyAsync(Stamped(push, GeneratedWorkflow), push, "ci", CancellationToken.None));
        var invalid = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: Not_Valid}\nspec: {}\n";

        var rejected = await Assert.ThrowsAsync<DeliveryRefusedException>(() => Applier().ApplyAsync(Stamped(push, invalid), push, "ci", CancellationToken.None));

        Assert.Contains("503", unavailable.Message);
        Assert.Contains("429", throttled.Message);
        Assert.Contains("a lowercase RFC 1123 subdomain", rejected.Message);
    }

    [Fact]
    public async Task RefusedManifest_SendsNothing()
    {
        var push = TestEvents.Push("owner/repo");
        var secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n";
        Emulator.Requests.Clear();

        await Assert.ThrowsAsync<DeliveryRefusedException>(() => Applier().ApplyAsync(Stamped(push, GeneratedWorkflow, secret), push, "ci", CancellationToken.None));

        Assert.DoesNotContain(Emulator.Requests.Snapshot(), r => r.Method is "POST" or "PATCH" or "PUT");
        Assert.Empty(Emulator.FindAll("argoproj.io", "workflows", "ci"));
    }

    [Fact]
    public async Task UnservedKind_IsRejectedByDiscovery()
    {
        var push = TestEvents.Push("owner/repo");
        var sensor = "apiVersion: argoproj.io/v1alpha1\nkind: Sensor\nmetadata: {name: s}\n";

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() => Applier("argoproj.io/Sensor").ApplyAsync(Stamped(push, sensor), push, "ci", CancellationToken.None));

        Assert.Equal("the cluster does not serve Sensor in argoproj.io/v1alpha1", error.Message);
    }

    [Theory]
    [InlineData("{name: 0x1F}", "Workflow metadata.name must be a string, not the number 31")]
    [InlineData("{name: 12}", "Workflow metadata.name must be a string, not the number 12")]
    [InlineData("{generateName: true}", "Workflow metadata.generateName must be a string, not the boolean true")]
    [InlineData("{name: build, namespace: [a]}", "Workflow build metadata.namespace must be a string, not a list")]
    [InlineData("{name: build, labels: {team: yes}}", "Workflow metadata.labels.team must be a string, not the boolean true")]
    public async Task NonStringMetadata_IsRejectedNamingTheField_AndNothingIsWritten(string metadata, string expected)
    {
        var push = TestEvents.Push("owner/repo");
        var manifest = $"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {metadata}\nspec: {{entrypoint: main}}\n";

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() => Applier().ApplyAsync(Stamped(push, manifest), push, "ci", CancellationToken.None));

        Assert.StartsWith(expected, error.Message);
        Assert.True(_harness.NothingWritten());
        Assert.Empty(Emulator.FindAll("argoproj.io", "workflows"));
    }
}
