using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The handler with branch namespaces switched on.</summary>
public sealed class BranchNamespaceFixture : HandlerFixture
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } =
        new Dictionary<string, string> { ["Handler__BranchNamespaces__Template"] = "ci-{branch}" };
}

/// <summary>Branch namespaces: made on the first push, removed on deletion, and only the ones the handler made.</summary>
public sealed class BranchNamespaceTests(BranchNamespaceFixture fixture) : IClassFixture<BranchNamespaceFixture>
{
    private async Task<JsonObject> SendAsync(GitRepository repo, string eventType, JsonObject payload)
    {
        var delivery = Guid.NewGuid().ToString();
        var (status, answer) = await fixture.Client.SendAsync(eventType, delivery, payload);
        Assert.True(status == 202, answer.ToJsonString());
        return (await fixture.Client.OutcomeAsync(repo.FullName, delivery))!;
    }

    [Fact]
    public async Task BranchLifecycle_CreatesItsNamespace_AndDeletesOnlyTheOneTheHandlerMade()
    {
        var repo = await fixture.Git.CreateRepositoryAsync("ns/app");
        var head = await repo.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = HandlerFixture.Manifest }, "initial");
        var feature = await repo.CommitFileAsync("Feature/Login_Page", "f", "x");
        var other = await repo.CommitFileAsync("other", "o", "y", message: "other work");
        fixture.Emulator.CreateNamespace("ci-other");
        Uri gitUrl = fixture.Git.GitUrl(repo.FullName), httpUrl = fixture.Git.HttpUrl(repo.FullName);

        var featurePush = await SendAsync(repo, "push", GitHubPayloads.Push(repo.FullName, gitUrl, httpUrl, "refs/heads/Feature/Login_Page", GitHubPayloads.Zero, feature, created: true));
        var otherPush = await SendAsync(repo, "push", GitHubPayloads.Push(repo.FullName, gitUrl, httpUrl, "refs/heads/other", GitHubPayloads.Zero, other, created: true));
        var made = fixture.Emulator.Find("", "namespaces", null, "ci-feature-login-page");

        Assert.Equal("applied", featurePush["state"]!.GetValue<string>());
        Assert.Equal("ci-feature-login-page", featurePush["objects"]![0]!["namespace"]!.GetValue<string>());
        Assert.Equal("true", made!["metadata"]!["labels"]!["k8s-webhook-handler.io/owned-namespace"]!.GetValue<string>());
        Assert.Equal("ci-other", otherPush["objects"]![0]!["namespace"]!.GetValue<string>());

        await repo.DeleteBranchAsync("Feature/Login_Page");
        await repo.DeleteBranchAsync("other");
        var featureDeleted = await SendAsync(repo, "delete", GitHubPayloads.Delete(repo.FullName, gitUrl, httpUrl, "Feature/Login_Page"));
        var otherDeleted = await SendAsync(repo, "delete", GitHubPayloads.Delete(repo.FullName, gitUrl, httpUrl, "other"));

        Assert.Equal("applied", featureDeleted["state"]!.GetValue<string>());
        Assert.Equal("ci", featureDeleted["objects"]![0]!["namespace"]!.GetValue<string>());
        Assert.Null(fixture.Emulator.Find("", "namespaces", null, "ci-feature-login-page"));
        Assert.Equal("applied", otherDeleted["state"]!.GetValue<string>());
        Assert.NotNull(fixture.Emulator.Find("", "namespaces", null, "ci-other"));
        var deleteRuns = fixture.Emulator.FindAll("argoproj.io", "workflows", "ci")
            .Where(w => w["metadata"]!["annotations"]!["k8s-webhook-handler.io/repo_name"]!.GetValue<string>() == repo.FullName).ToList();
        Assert.Equal(2, deleteRuns.Count);
        Assert.All(deleteRuns, w => Assert.Equal(head, w["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RefsSharingANamespaceName_TheSecondIsRejected_AndItsDeletionLeavesTheFirstAlone()
    {
        var repo = await fixture.Git.CreateRepositoryAsync("ns/collide");
        await repo.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = HandlerFixture.Manifest }, "initial");
        var slash = await repo.CommitFileAsync("feat/x", "f", "slash");
        var dot = await repo.CommitFileAsync("feat.x", "f", "dot");
        Uri gitUrl = fixture.Git.GitUrl(repo.FullName), httpUrl = fixture.Git.HttpUrl(repo.FullName);

        var slashPush = await SendAsync(repo, "push", GitHubPayloads.Push(repo.FullName, gitUrl, httpUrl, "refs/heads/feat/x", GitHubPayloads.Zero, slash, created: true));
        var workflow = fixture.Emulator.Find("argoproj.io", "workflows", "ci-feat-x", slashPush["objects"]![0]!["name"]!.GetValue<string>())!;
        var dotPush = await SendAsync(repo, "push", GitHubPayloads.Push(repo.FullName, gitUrl, httpUrl, "refs/heads/feat.x", GitHubPayloads.Zero, dot, created: true));
        await repo.DeleteBranchAsync("feat.x");
        var dotDeleted = await SendAsync(repo, "delete", GitHubPayloads.Delete(repo.FullName, gitUrl, httpUrl, "feat.x"));

        Assert.Equal("applied", slashPush["state"]!.GetValue<string>());
        Assert.Equal("rejected", dotPush["state"]!.GetValue<string>());
        Assert.Equal($"namespace ci-feat-x belongs to the handler's branch refs/heads/feat/x of {repo.FullName}; {repo.FullName} refs/heads/feat.x maps to the same namespace name and may not use it",
            dotPush["reason"]!.GetValue<string>());
        Assert.Equal("applied", dotDeleted["state"]!.GetValue<string>());
        Assert.Equal("refs/heads/feat/x", fixture.Emulator.Find("", "namespaces", null, "ci-feat-x")!["metadata"]!["annotations"]!["k8s-webhook-handler.io/ref"]!.GetValue<string>());
        var after = fixture.Emulator.Find("argoproj.io", "workflows", "ci-feat-x", workflow["metadata"]!["name"]!.GetValue<string>())!;
        Assert.Null(after["spec"]!["shutdown"]);
        Assert.Equal(workflow["metadata"]!["resourceVersion"]!.GetValue<string>(), after["metadata"]!["resourceVersion"]!.GetValue<string>());
    }
}

