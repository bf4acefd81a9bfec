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
        var deleteRuns = fixture.Emulator.FindAll("argoproj.io", "workflows", "ci");
        Assert.Equal(2, deleteRuns.Count);
        Assert.All(deleteRuns, w => Assert.Equal(head, w["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>()));
    }
}
