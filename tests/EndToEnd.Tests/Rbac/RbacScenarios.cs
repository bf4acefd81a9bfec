using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests.Rbac;

/// <summary>
/// Everything a repository makes the handler do in Kubernetes, each delivery awaited to its outcome before the next:
/// a new branch, a push on it that supersedes the first build, a second branch, that branch's deletion, and the branch
/// pushed again, which supersedes what the deletion started (in the workflow namespace when branches have their own). The
/// manifest has a named object (server-side applied) and a <c>generateName</c> object (created) of every allowed kind.
/// </summary>
public sealed class RbacScenarios(GitServer git, WebhookClient client, IReadOnlyDictionary<string, string> settings)
{
    private const string Spec = "spec: {entrypoint: main, templates: [{name: main, container: {image: alpine:3.20}}]}";

    private static readonly Dictionary<string, string> ManifestsByKind = new()
    {
        ["argoproj.io/Workflow"] = $$"""
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {generateName: build-}
            {{Spec}}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: pinned}
            {{Spec}}
            """,
        ["v1/ConfigMap"] = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {generateName: config-}
            data: {key: value}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {key: value}
            """,
    };

    private IReadOnlyList<string> AllowedKinds =>
        settings.Where(s => s.Key.StartsWith("Handler__AllowedKinds__", StringComparison.Ordinal)).Select(s => s.Value).Order(StringComparer.Ordinal).ToList();

    /// <summary>Runs the deliveries; <paramref name="beforeDeletion"/> is called once the branches exist, before the second is deleted.</summary>
    public async Task RunAsync(Action beforeDeletion)
    {
        var repo = await git.CreateRepositoryAsync("rbac/app-" + Guid.NewGuid().ToString("N")[..8]);
        var first = await repo.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = Manifest() }, "initial");
        var second = await repo.CommitFileAsync("main", "src/app.txt", "change");

        await PushAsync(repo, "main", GitHubPayloads.Zero, first);
        var superseding = await PushAsync(repo, "main", first, second);
        var feature = await repo.CommitFileAsync("feature", "feature.txt", "feature work");
        await PushAsync(repo, "feature", GitHubPayloads.Zero, feature);
        beforeDeletion();
        await repo.DeleteBranchAsync("feature");
        var deletion = await SendAsync(repo, "delete", GitHubPayloads.Delete(repo.FullName, git.GitUrl(repo.FullName), git.HttpUrl(repo.FullName), "feature"));

        // The branch again: its first push supersedes what its deletion started, which runs in the workflow namespace.
        var again = await repo.CommitFileAsync("feature", "feature.txt", "feature work again");
        var recreated = await PushAsync(repo, "feature", GitHubPayloads.Zero, again);

        // One generateName object of each kind that is superseded is stopped; the named ones are applied again and kept.
        Assert.Equal(SupersededKinds(), StoppedKinds(superseding));
        Assert.Equal(SupersededKinds(), StoppedKinds(deletion).Distinct());
        Assert.Equal(SupersededKinds(), StoppedKinds(recreated).Distinct());
    }

    private string Manifest() => string.Join("\n---\n", AllowedKinds.Select(kind => ManifestsByKind.TryGetValue(kind, out var yaml)
        ? yaml
        : throw new InvalidOperationException($"the chart allows {kind}: add a named and a generateName object of it to {nameof(ManifestsByKind)}")));

    /// <summary>The kinds whose older objects the handler's settings stop or delete (as apiVersion/Kind, sorted).</summary>
    private IEnumerable<string> SupersededKinds() => AllowedKinds.Where(kind => kind == "argoproj.io/Workflow"
        ? settings["Handler__Supersede__Mode"] != "None"
        : settings["Handler__Supersede__OtherKinds"] == "Delete");

    private static IEnumerable<string> StoppedKinds(JsonObject outcome) => outcome["stopped"]!.AsArray()
        .Select(o => $"{KindGroup(o!["apiVersion"]!.GetValue<string>())}/{o["kind"]!.GetValue<string>()}")
        .Order(StringComparer.Ordinal);

    private static string KindGroup(string apiVersion) => apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion.Split('/')[0] : apiVersion;

    private Task<JsonObject> PushAsync(GitRepository repo, string branch, string before, string after) =>
        SendAsync(repo, "push", GitHubPayloads.Push(repo.FullName, git.GitUrl(repo.FullName), git.HttpUrl(repo.FullName), $"refs/heads/{branch}", before, after,
            created: before == GitHubPayloads.Zero));

    private async Task<JsonObject> SendAsync(GitRepository repo, string eventType, JsonObject payload)
    {
        var delivery = Guid.NewGuid().ToString();
        var (status, answer) = await client.SendAsync(eventType, delivery, payload);
        Assert.True(status == 202, $"{eventType}: {status} {answer.ToJsonString()}");
        var outcome = await client.OutcomeAsync(repo.FullName, delivery);
        Assert.True(outcome["state"]!.GetValue<string>() == "applied", $"{eventType} of {payload["ref"]}: {outcome.ToJsonString()}");
        return outcome;
    }
}
