using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>Branch namespaces belong to one repository and one exact ref, even when two refs fold to the same name.</summary>
public sealed class BranchNamespaceOwnershipTests : IAsyncLifetime
{
    private const string Name = "ci-feat-x";
    private const string GeneratedWorkflow = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: build-}\nspec: {entrypoint: main}\n";
    private ApplierHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ApplierHarness.StartAsync(TimeSpan.FromSeconds(60));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private JsonObject? Namespace(string name) => _harness.Emulator.Find("", "namespaces", null, name);

    private void CreateNamespace(string name, JsonObject labels)
    {
        _harness.Emulator.CreateNamespace(name);
        lock (_harness.Emulator.Store.Gate)
        {
            var key = new KubeApiEmulator.Storage.ObjectKey("", "namespaces", "", name);
            var ns = (JsonObject)_harness.Emulator.Store.Get(key)!.DeepClone();
            ns["metadata"]!["labels"] = labels;
            _harness.Emulator.Store.Put(key, ns);
        }
    }

    [Fact]
    public async Task CollidingRefs_TheSecondIsRefused_AndDeletingItLeavesTheFirstsNamespaceAndWorkflow()
    {
        var slash = TestEvents.Push("owner/repo", "feat/x");
        var dot = TestEvents.Push("owner/repo", "feat.x");
        Assert.Equal(Name, BranchNamespaceName.For("ci-{branch}", "feat.x"));
        var applier = _harness.Applier();
        await applier.EnsureNamespaceAsync(Name, slash, CancellationToken.None);
        var applied = await applier.ApplyAsync(ApplierHarness.Stamped(slash, GeneratedWorkflow), slash, Name, CancellationToken.None);
        var workflow = _harness.Emulator.Find("argoproj.io", "workflows", Name, applied[0].Name)!;

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => applier.EnsureNamespaceAsync(Name, dot, CancellationToken.None));
        var dotDeleted = TestEvents.Push("owner/repo", "feat.x", eventType: "delete");
        var stopped = await applier.StopOlderAsync(dotDeleted, [], applied, new SupersedePolicy(SupersedeMode.Stop, SupersedeMode.Delete), CancellationToken.None);
        var deleted = await applier.DeleteOwnedNamespaceAsync(Name, dotDeleted, CancellationToken.None);

        Assert.Equal("namespace ci-feat-x belongs to the handler's branch refs/heads/feat/x of owner/repo; owner/repo refs/heads/feat.x maps to the same namespace name and may not use it", refused.Message);
        Assert.Empty(stopped);
        Assert.False(deleted);
        var annotations = Namespace(Name)!["metadata"]!["annotations"]!;
        Assert.Equal("refs/heads/feat/x", annotations[StampKeys.Ref]!.GetValue<string>());
        Assert.Equal("owner/repo", annotations[StampKeys.RepoName]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(workflow, _harness.Emulator.Find("argoproj.io", "workflows", Name, applied[0].Name)));

        Assert.True(await applier.DeleteOwnedNamespaceAsync(Name, TestEvents.Push("owner/repo", "feat/x", eventType: "delete"), CancellationToken.None));
        Assert.Null(Namespace(Name));
    }

    [Fact]
    public async Task OtherRepositorysNamespace_IsRefused_AndNotDeleted()
    {
        var applier = _harness.Applier();
        await applier.EnsureNamespaceAsync(Name, TestEvents.Push("victim/app", "feat/x"), CancellationToken.None);
        var attacker = TestEvents.Push("attacker/other", "feat/x");

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => applier.EnsureNamespaceAsync(Name, attacker, CancellationToken.None));
        var deleted = await applier.DeleteOwnedNamespaceAsync(Name, attacker, CancellationToken.None);

        Assert.Contains("belongs to the handler's branch refs/heads/feat/x of victim/app", refused.Message);
        Assert.False(deleted);
        Assert.NotNull(Namespace(Name));
    }

    [Fact]
    public async Task AdministratorsNamespace_IsUsed_AndNeverDeleted()
    {
        _harness.Emulator.CreateNamespace(Name);
        var push = TestEvents.Push("owner/repo", "feat/x");
        var applier = _harness.Applier();
        _harness.Emulator.Requests.Clear();

        await applier.EnsureNamespaceAsync(Name, push, CancellationToken.None);
        var deleted = await applier.DeleteOwnedNamespaceAsync(Name, TestEvents.Push("owner/repo", "feat/x", eventType: "delete"), CancellationToken.None);

        Assert.False(deleted);
        Assert.True(_harness.NothingWritten());
        Assert.NotNull(Namespace(Name));
    }

    [Fact]
    public async Task NamespaceFromBeforeAnnotations_IsUsedByItsLabelledBranch_ButNeverDeleted()
    {
        var push = TestEvents.Push("owner/repo", "feat/x");
        CreateNamespace(Name, new JsonObject
        {
            [StampKeys.OwnedNamespaceLabel] = "true",
            [StampKeys.RepositoryLabel] = "owner.repo",
            [StampKeys.RefLabel] = "refs.heads.feat.x",
        });
        var applier = _harness.Applier();

        await applier.EnsureNamespaceAsync(Name, push, CancellationToken.None);
        await applier.EnsureNamespaceAsync(Name, TestEvents.Push("owner/repo", "feat.x"), CancellationToken.None);
        var otherRepository = await Assert.ThrowsAsync<DeliveryRefusedException>(() => applier.EnsureNamespaceAsync(Name, TestEvents.Push("other/repo", "feat/x"), CancellationToken.None));
        var deleted = await applier.DeleteOwnedNamespaceAsync(Name, TestEvents.Push("owner/repo", "feat/x", eventType: "delete"), CancellationToken.None);

        Assert.Contains("belongs to the handler's branch labelled refs.heads.feat.x of owner.repo", otherRepository.Message);
        Assert.False(deleted);
        Assert.NotNull(Namespace(Name));
    }

    [Fact]
    public async Task NamespaceRemarkedBetweenCheckAndDelete_IsNotDeleted()
    {
        var push = TestEvents.Push("owner/repo", "feat/x");
        var applier = _harness.Applier();
        await applier.EnsureNamespaceAsync(Name, push, CancellationToken.None);
        var release = new TaskCompletionSource();
        _harness.Emulator.Faults.HoldNext(1, release.Task, r => r.Method == "DELETE");

        var deleting = applier.DeleteOwnedNamespaceAsync(Name, TestEvents.Push("owner/repo", "feat/x", eventType: "delete"), CancellationToken.None);
        await _harness.Emulator.Requests.WaitForAsync(r => r.Method == "DELETE", TimeSpan.FromSeconds(60));
        var remark = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [StampKeys.Ref] = "refs/heads/feat.x" } } };
        await _harness.Client.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{Name}", remark, "application/merge-patch+json", CancellationToken.None);
        release.SetResult();

        var conflict = await Assert.ThrowsAsync<TransientException>(() => deleting);
        Assert.Contains("Precondition failed", conflict.Message);
        Assert.NotNull(Namespace(Name));
    }
}
