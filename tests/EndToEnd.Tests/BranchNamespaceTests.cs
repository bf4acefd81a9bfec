using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>Branch namespaces: made on the first push, removed on deletion, and only the ones the handler made.</summary>
public sealed class BranchNamespaceTests : IAsyncLifetime
{
    private const string Secret = "namespace-secret";
    private readonly TempDirectory _directory = new("branch-namespaces");
    private GitServer _git = null!;
    private KubeApiEmulatorServer _emulator = null!;
    private HandlerProcess _handler = null!;
    private WebhookClient _client = null!;

    public async Task InitializeAsync()
    {
        _git = await GitServer.StartAsync();
        _emulator = await KubeApiEmulatorServer.StartAsync();
        _handler = await HandlerProcess.StartAsync(new Dictionary<string, string>
        {
            ["WEBHOOK_SECRET"] = Secret,
            ["KUBECONFIG"] = _emulator.WriteKubeconfig(_directory.Combine("kubeconfig")),
            ["Handler__CloneUrl"] = "GitUrl",
            ["Handler__BranchNamespaces__Template"] = "ci-{branch}",
        });
        _client = new WebhookClient(_handler.BaseUri, Secret);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _handler.DisposeAsync();
        await _emulator.DisposeAsync();
        await _git.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<JsonObject> SendAsync(GitRepository repo, string eventType, JsonObject payload)
    {
        var delivery = Guid.NewGuid().ToString();
        var (status, answer) = await _client.SendAsync(eventType, delivery, payload);
        Assert.True(status == 202, answer.ToJsonString());
        return (await _client.OutcomeAsync(repo.FullName, delivery))!;
    }

    [Fact]
    public async Task BranchLifecycle_CreatesItsNamespace_AndDeletesOnlyTheOneTheHandlerMade()
    {
        var repo = await _git.CreateRepositoryAsync("ns/app");
        var head = await repo.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = HandlerFixture.Manifest }, "initial");
        var feature = await repo.CommitFileAsync("Feature/Login_Page", "f", "x");
        var other = await repo.CommitFileAsync("other", "o", "y", message: "other work");
        _emulator.CreateNamespace("ci-other");
        Uri gitUrl = _git.GitUrl(repo.FullName), httpUrl = _git.HttpUrl(repo.FullName);

        var featurePush = await SendAsync(repo, "push", GitHubPayloads.Push(repo.FullName, gitUrl, httpUrl, "refs/heads/Feature/Login_Page", GitHubPayloads.Zero, feature, created: true));
        var otherPush = await SendAsync(repo, "push", GitHubPayloads.Push(repo.FullName, gitUrl, httpUrl, "refs/heads/other", GitHubPayloads.Zero, other, created: true));
        var made = _emulator.Find("", "namespaces", null, "ci-feature-login-page");

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
        Assert.Null(_emulator.Find("", "namespaces", null, "ci-feature-login-page"));
        Assert.Equal("applied", otherDeleted["state"]!.GetValue<string>());
        Assert.NotNull(_emulator.Find("", "namespaces", null, "ci-other"));
        var deleteRuns = _emulator.FindAll("argoproj.io", "workflows", "ci");
        Assert.Equal(2, deleteRuns.Count);
        Assert.All(deleteRuns, w => Assert.Equal(head, w["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>()));
    }
}
