using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>The applier changes only objects the delivering repository owns, and checks them all before the first write.</summary>
public sealed class ApplyOwnershipTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private ApplierHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ApplierHarness.StartAsync(Patience);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static string Workflow(string name, string image, string label) => $$"""
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata:
          name: {{name}}
          labels: {team: {{label}}}
          annotations: {note: {{label}}}
        spec:
          entrypoint: main
          templates:
          - name: main
            container:
              image: "{{image}}"

        """;

    private Task ApplyAsync(Abstractions.Events.WebhookEvent e, params string[] yaml) =>
        _harness.Applier().ApplyAsync(ApplierHarness.Stamped(e, yaml), e, "ci", CancellationToken.None);

    private JsonObject Stored(string name) => _harness.Emulator.Find("argoproj.io", "workflows", "ci", name)!;

    [Fact]
    public async Task OtherRepository_NamingTheSameWorkflow_IsRefused_AndTheVictimsObjectIsUnchanged()
    {
        await ApplyAsync(TestEvents.Push("victim/app"), Workflow("build", "victim:1", "victim"));
        var before = Stored("build");
        _harness.Emulator.Requests.Clear();

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() => ApplyAsync(TestEvents.Push("attacker/other"), Workflow("build", "evil:1", "attacker")));

        Assert.Equal("Workflow ci/build belongs to the handler's objects of victim/app; attacker/other may not change it", error.Message);
        Assert.True(_harness.NothingWritten());
        var after = Stored("build");
        Assert.True(JsonNode.DeepEquals(before, after), after.ToJsonString());
        Assert.Equal("victim", after["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("victim", after["metadata"]!["annotations"]!["note"]!.GetValue<string>());
        Assert.Equal("victim:1", after["spec"]!["templates"]![0]!["container"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task ObjectNotMadeByTheHandler_IsRefused_AndUnchanged()
    {
        var foreign = new JsonObject
        {
            ["apiVersion"] = "argoproj.io/v1alpha1",
            ["kind"] = "Workflow",
            ["metadata"] = new JsonObject { ["name"] = "build", ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "Helm" } },
            ["spec"] = new JsonObject { ["entrypoint"] = "theirs" },
        };
        await _harness.Client.SendAsync(HttpMethod.Post, "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows", foreign, null, CancellationToken.None);
        var before = Stored("build");

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() => ApplyAsync(TestEvents.Push("owner/repo"), Workflow("build", "mine:1", "mine")));

        Assert.Equal("Workflow ci/build exists and was not made by the handler (it is managed by Helm); the handler changes only objects it made", error.Message);
        Assert.True(JsonNode.DeepEquals(before, Stored("build")));
    }

    [Fact]
    public async Task SameRepository_FromAnotherBranchAndSpelledInAnotherCase_ReappliesItsObject()
    {
        await ApplyAsync(TestEvents.Push("Owner/Repo", "main"), Workflow("build", "app:1", "a"));

        await ApplyAsync(TestEvents.Push("owner/repo", "feature/x", after: TestEvents.Sha(2)), Workflow("build", "app:2", "b"));

        var stored = Stored("build");
        Assert.Equal("app:2", stored["spec"]!["templates"]![0]!["container"]!["image"]!.GetValue<string>());
        Assert.Equal("refs/heads/feature/x", stored["metadata"]!["annotations"]![StampKeys.Ref]!.GetValue<string>());
    }

    [Fact]
    public async Task OneRefusedObject_RefusesTheWholeManifest_BeforeAnyWrite()
    {
        await ApplyAsync(TestEvents.Push("victim/app"), Workflow("taken", "victim:1", "victim"));
        _harness.Emulator.Requests.Clear();

        await Assert.ThrowsAsync<DeliveryRefusedException>(() =>
            ApplyAsync(TestEvents.Push("attacker/other"), Workflow("fresh", "evil:1", "a"), Workflow("taken", "evil:1", "a")));

        Assert.True(_harness.NothingWritten());
        Assert.Null(_harness.Emulator.Find("argoproj.io", "workflows", "ci", "fresh"));
    }

    [Fact]
    public async Task ObjectTakenOverBetweenCheckAndApply_IsAConflictToRetry_AndTheRetryRefuses()
    {
        await ApplyAsync(TestEvents.Push("owner/repo"), Workflow("build", "app:1", "a"));
        var release = new TaskCompletionSource();
        static bool IsApply(KubeApiEmulator.Diagnostics.RecordedRequest r) =>
            r.Method == "PATCH" && r.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) == true;
        _harness.Emulator.Faults.HoldNext(1, release.Task, IsApply);
        _harness.Emulator.Requests.Clear();

        var second = ApplyAsync(TestEvents.Push("owner/repo", after: TestEvents.Sha(2)), Workflow("build", "app:2", "b"));
        await _harness.Emulator.Requests.WaitForAsync(IsApply, Patience);
        var takeover = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject { [StampKeys.RepositoryLabel] = "intruder.repo" },
                ["annotations"] = new JsonObject { [StampKeys.RepoName] = "intruder/repo" },
            },
        };
        await _harness.Client.SendAsync(HttpMethod.Patch, "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows/build", takeover, "application/merge-patch+json", CancellationToken.None);
        var taken = Stored("build");
        release.SetResult();
        var conflict = await Assert.ThrowsAsync<TransientException>(() => second);
        var retry = await Assert.ThrowsAsync<DeliveryRefusedException>(() => ApplyAsync(TestEvents.Push("owner/repo", after: TestEvents.Sha(2)), Workflow("build", "app:2", "b")));

        Assert.StartsWith("Workflow ci/build: it changed between being read and being written", conflict.Message);
        Assert.Equal("Workflow ci/build belongs to the handler's objects of intruder/repo; owner/repo may not change it", retry.Message);
        Assert.True(JsonNode.DeepEquals(taken, Stored("build")));
    }

    [Fact]
    public async Task GeneratedNameTakenByAnotherDelivery_DoesNotCountAsDone()
    {
        var first = TestEvents.Push("owner/repo");
        var objects = ApplierHarness.Stamped(first, "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: build-}\nspec: {entrypoint: main}\n");
        await _harness.Applier().ApplyAsync(objects, first, "ci", CancellationToken.None);
        var other = TestEvents.Push("owner/repo");

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() => _harness.Applier().ApplyAsync(objects, other, "ci", CancellationToken.None));

        Assert.Equal($"Workflow ci/{objects[0]["metadata"]!["name"]} exists but was made by delivery {first.Delivery.Value}, not by {other.Delivery.Value}", error.Message);
    }

    [Fact]
    public async Task GeneratedNameCreatedByAnotherRepositoryMeanwhile_IsRefused()
    {
        var victim = TestEvents.Push("victim/app");
        var objects = ApplierHarness.Stamped(victim, "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: build-}\nspec: {entrypoint: main}\n");
        var release = new TaskCompletionSource();
        _harness.Emulator.Faults.HoldNext(1, release.Task, r => r.Method == "POST");

        var creating = _harness.Applier().ApplyAsync(objects, victim, "ci", CancellationToken.None);
        await _harness.Emulator.Requests.WaitForAsync(r => r.Method == "POST", Patience);
        var squatter = ApplierHarness.Stamped(TestEvents.Push("squatter/repo"), "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x}\nspec: {entrypoint: theirs}\n")[0];
        squatter["metadata"]!["name"] = objects[0]["metadata"]!["name"]!.DeepClone();
        await _harness.Client.SendAsync(HttpMethod.Post, "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows", squatter, null, CancellationToken.None);
        release.SetResult();

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() => creating);
        Assert.Contains("belongs to the handler's objects of squatter/repo", error.Message);
        Assert.Equal("theirs", Stored(objects[0]["metadata"]!["name"]!.GetValue<string>())["spec"]!["entrypoint"]!.GetValue<string>());
    }
}
