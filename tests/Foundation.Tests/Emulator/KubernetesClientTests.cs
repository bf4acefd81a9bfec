using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>KubernetesClient, the library the handler uses, against the emulator: the calls the handler makes.</summary>
public sealed class KubernetesClientTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private const string Group = "argoproj.io";
    private const string Version = "v1alpha1";
    private const string Plural = "workflows";
    private const string GeneratedAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    /// <summary>Only a safety net for watches and waits; nothing is asserted about how long anything takes.</summary>
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(2);

    private ICustomObjectsOperations Custom => emulator.Client.CustomObjects;

    private static JsonObject Node(object value) => JsonSerializer.SerializeToNode(value)!.AsObject();

    [Fact]
    public async Task Create_WithGenerateName_GetsFiveCharactersFromTheServersAlphabet()
    {
        var ns = emulator.NewNamespace();

        var created = Node(await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow(generateName: "build-"), Group, Version, ns, Plural));

        var name = created["metadata"]!["name"]!.GetValue<string>();
        Assert.StartsWith("build-", name);
        Assert.Equal("build-".Length + 5, name.Length);
        Assert.All(name["build-".Length..], c => Assert.Contains(c, GeneratedAlphabet));
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<long>());
        Assert.True(Guid.TryParse(created["metadata"]!["uid"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task Create_ResourceVersions_IncreaseMonotonically()
    {
        var ns = emulator.NewNamespace();
        var versions = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var created = Node(await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow($"wf-{i}"), Group, Version, ns, Plural));
            versions.Add(long.Parse(created["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public async Task ServerSideApply_CreatesThenMergesAndDropsFieldsNoLongerApplied()
    {
        var ns = emulator.NewNamespace();
        var first = RawApi.Workflow("applied", labels: new JsonObject { ["keep"] = "yes", ["drop"] = "soon" });
        var second = RawApi.Workflow("applied", labels: new JsonObject { ["keep"] = "yes" });
        second["spec"]!["serviceAccountName"] = "builder";

        await Custom.PatchNamespacedCustomObjectAsync(new V1Patch(first.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "applied", fieldManager: "handler", force: true);
        var merged = Node(await Custom.PatchNamespacedCustomObjectAsync(new V1Patch(second.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "applied", fieldManager: "handler", force: true));

        var labels = merged["metadata"]!["labels"]!.AsObject();
        Assert.Equal(["keep"], labels.Select(l => l.Key));
        Assert.Equal("builder", merged["spec"]!["serviceAccountName"]!.GetValue<string>());
        Assert.Equal(2, merged["metadata"]!["generation"]!.GetValue<long>());
        var entry = merged["metadata"]!["managedFields"]!.AsArray().Single()!;
        Assert.Equal("handler", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        var apply = emulator.Server.Requests.Snapshot().Last(r => r.Method == "PATCH" && r.Path.EndsWith("/applied", StringComparison.Ordinal));
        Assert.Equal("application/apply-patch+yaml", apply.ContentType!.Split(';')[0]);
        Assert.Equal("handler", apply.QueryValue("fieldManager"));
    }

    [Fact]
    public async Task ServerSideApply_SameConfigurationAgain_ChangesNothing()
    {
        var ns = emulator.NewNamespace();
        var config = new V1Patch(RawApi.Workflow("stable").ToJsonString(), V1Patch.PatchType.ApplyPatch);

        var first = Node(await Custom.PatchNamespacedCustomObjectAsync(config, Group, Version, ns, Plural, "stable", fieldManager: "handler"));
        var second = Node(await Custom.PatchNamespacedCustomObjectAsync(config, Group, Version, ns, Plural, "stable", fieldManager: "handler"));

        Assert.Equal(first["metadata"]!["resourceVersion"]!.GetValue<string>(), second["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServerSideApply_FieldOwnedByAnotherManager_Is409UnlessForced()
    {
        var ns = emulator.NewNamespace();
        var mine = RawApi.Workflow("shared");
        var theirs = RawApi.Workflow("shared");
        theirs["spec"]!["entrypoint"] = "other";
        await Custom.PatchNamespacedCustomObjectAsync(new V1Patch(mine.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "shared", fieldManager: "handler");

        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Custom.PatchNamespacedCustomObjectAsync(new V1Patch(theirs.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "shared", fieldManager: "someone-else"));
        var forced = Node(await Custom.PatchNamespacedCustomObjectAsync(new V1Patch(theirs.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "shared", fieldManager: "someone-else", force: true));

        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        var status = JsonNode.Parse(conflict.Response.Content)!;
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal(".spec.entrypoint", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Equal("FieldManagerConflict", status["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal("other", forced["spec"]!["entrypoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task MergePatch_AddsAndRemovesLabels_AndMovesTheResourceVersion()
    {
        var ns = emulator.NewNamespace();
        var created = Node(await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow("patched", labels: new JsonObject { ["a"] = "1" }), Group, Version, ns, Plural));
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["a"] = null, ["b"] = "2" } } };

        var patched = Node(await Custom.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), Group, Version, ns, Plural, "patched"));

        Assert.Equal(["b"], patched["metadata"]!["labels"]!.AsObject().Select(l => l.Key));
        Assert.NotEqual(created["metadata"]!["resourceVersion"]!.GetValue<string>(), patched["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(1, patched["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task MergePatch_SpecShutdown_BumpsGeneration()
    {
        var ns = emulator.NewNamespace();
        await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow("running"), Group, Version, ns, Plural);
        var patch = new JsonObject { ["spec"] = new JsonObject { ["shutdown"] = "Stop" } };

        var patched = Node(await Custom.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), Group, Version, ns, Plural, "running"));

        Assert.Equal("Stop", patched["spec"]!["shutdown"]!.GetValue<string>());
        Assert.Equal(2, patched["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task JsonPatch_TestThenReplace_AppliesOrFailsAsAWhole()
    {
        var ns = emulator.NewNamespace();
        await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow("jp"), Group, Version, ns, Plural);
        var good = new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/spec/entrypoint", ["value"] = "main" },
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/entrypoint", ["value"] = "next" });
        var bad = new JsonArray(
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/entrypoint", ["value"] = "never" },
            new JsonObject { ["op"] = "test", ["path"] = "/spec/entrypoint", ["value"] = "main" });

        var patched = Node(await Custom.PatchNamespacedCustomObjectAsync(new V1Patch(good.ToJsonString(), V1Patch.PatchType.JsonPatch), Group, Version, ns, Plural, "jp"));
        var failure = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Custom.PatchNamespacedCustomObjectAsync(new V1Patch(bad.ToJsonString(), V1Patch.PatchType.JsonPatch), Group, Version, ns, Plural, "jp"));

        Assert.Equal("next", patched["spec"]!["entrypoint"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failure.Response.StatusCode);
        Assert.Equal("next", emulator.Server.Find(Group, Plural, ns, "jp")!["spec"]!["entrypoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_WithLabelAndFieldSelectors_ReturnsOnlyMatches()
    {
        var ns = emulator.NewNamespace();
        foreach (var (name, branch) in new[] { ("a", "main"), ("b", "main"), ("c", "feature") })
        {
            await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow(name, labels: new JsonObject { ["branch"] = branch }), Group, Version, ns, Plural);
        }

        var byLabel = Node(await Custom.ListNamespacedCustomObjectAsync(Group, Version, ns, Plural, labelSelector: "branch=main"));
        var byBoth = Node(await Custom.ListNamespacedCustomObjectAsync(Group, Version, ns, Plural, labelSelector: "branch=main", fieldSelector: "metadata.name!=a"));

        Assert.Equal(["a", "b"], Names(byLabel));
        Assert.Equal(["b"], Names(byBoth));
        Assert.Equal("WorkflowList", byLabel["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_WithLimit_PagesThroughEverythingWithContinue()
    {
        var ns = emulator.NewNamespace();
        for (var i = 0; i < 5; i++)
        {
            await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow($"p{i}"), Group, Version, ns, Plural);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = Node(await Custom.ListNamespacedCustomObjectAsync(Group, Version, ns, Plural, limit: 2, continueParameter: token));
            seen.AddRange(Names(page));
            token = page["metadata"]!["continue"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);

        Assert.Equal(["p0", "p1", "p2", "p3", "p4"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Watch_SeesAddedModifiedAndDeleted()
    {
        var ns = emulator.NewNamespace();
        using var cancel = new CancellationTokenSource(WatchTimeout);
        var events = new List<(WatchEventType Type, string Name)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in Custom.WatchListNamespacedCustomObjectAsync(Group, Version, ns, Plural, cancellationToken: cancel.Token))
            {
                events.Add((type, Node(item)["metadata"]!["name"]!.GetValue<string>()));
                if (type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        }, cancel.Token);
        await emulator.Server.Requests.WaitForAsync(r => r.QueryValue("watch") == "true" && r.Path.Contains(ns, StringComparison.Ordinal), WatchTimeout);

        await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow("watched"), Group, Version, ns, Plural);
        await Custom.PatchNamespacedCustomObjectAsync(new V1Patch("{\"spec\":{\"shutdown\":\"Stop\"}}", V1Patch.PatchType.MergePatch), Group, Version, ns, Plural, "watched");
        await Custom.DeleteNamespacedCustomObjectAsync(Group, Version, ns, Plural, "watched");
        await watching;

        Assert.Equal([(WatchEventType.Added, "watched"), (WatchEventType.Modified, "watched"), (WatchEventType.Deleted, "watched")], events);
    }

    [Fact]
    public async Task Watch_FromAResourceVersion_ReplaysOnlyLaterChanges()
    {
        var ns = emulator.NewNamespace();
        var before = Node(await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow("before"), Group, Version, ns, Plural));
        await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow("after"), Group, Version, ns, Plural);
        using var cancel = new CancellationTokenSource(WatchTimeout);

        var first = await Custom.WatchListNamespacedCustomObjectAsync(Group, Version, ns, Plural,
            resourceVersion: before["metadata"]!["resourceVersion"]!.GetValue<string>(), cancellationToken: cancel.Token).FirstAsync(cancel.Token);

        Assert.Equal(WatchEventType.Added, first.Item1);
        Assert.Equal("after", Node(first.Item2)["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_WithLabelSelector_SeesAnObjectLeavingTheSelectionAsDeleted()
    {
        var ns = emulator.NewNamespace();
        var created = Node(await Custom.CreateNamespacedCustomObjectAsync(RawApi.Workflow("mover", labels: new JsonObject { ["state"] = "running" }), Group, Version, ns, Plural));
        await Custom.PatchNamespacedCustomObjectAsync(new V1Patch("{\"metadata\":{\"labels\":{\"state\":\"done\"}}}", V1Patch.PatchType.MergePatch), Group, Version, ns, Plural, "mover");
        using var cancel = new CancellationTokenSource(WatchTimeout);

        var first = await Custom.WatchListNamespacedCustomObjectAsync(Group, Version, ns, Plural, labelSelector: "state=running",
            resourceVersion: created["metadata"]!["resourceVersion"]!.GetValue<string>(), cancellationToken: cancel.Token).FirstAsync(cancel.Token);

        Assert.Equal(WatchEventType.Deleted, first.Item1);
    }

    [Fact]
    public async Task TypedClient_ConfigMapRoundTrip_Works()
    {
        var ns = emulator.NewNamespace();
        var map = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "typed", Labels = new Dictionary<string, string> { ["a"] = "b" } }, Data = new Dictionary<string, string> { ["k"] = "v" } };

        await emulator.Client.CoreV1.CreateNamespacedConfigMapAsync(map, ns);
        var read = await emulator.Client.CoreV1.ReadNamespacedConfigMapAsync("typed", ns);
        var listed = await emulator.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "a=b");
        await emulator.Client.CoreV1.DeleteNamespacedConfigMapAsync("typed", ns);

        Assert.Equal("v", read.Data["k"]);
        Assert.Equal("typed", Assert.Single(listed.Items).Metadata.Name);
        Assert.Empty(emulator.Server.FindAll("", "configmaps", ns));
    }

    private static string[] Names(JsonObject list) =>
        list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToArray();
}
