using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>Real processes: the handler, git daemon and http-backend over test repositories, and the API emulator.</summary>
public class HandlerFixture : IAsyncLifetime
{
    public const string Secret = "end-to-end-secret";

    /// <summary><c>Handler:IgnoreRefs</c>: branches under <c>ignored/</c>.</summary>
    public const string IgnoredRefs = "^refs/heads/ignored/";

    public const string Manifest = """
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata:
          generateName: build-
          annotations:
            team: platform
        spec:
          entrypoint: main
          templates:
          - name: main
            container:
              image: alpine:3.20
              args: ["{{workflow.annotations.k8s-webhook-handler.io/revision}}"]
        """;

    private readonly TempDirectory _directory = new("end-to-end");

    public GitServer Git { get; private set; } = null!;

    public KubeApiEmulatorServer Emulator { get; private set; } = null!;

    public HandlerProcess Handler { get; private set; } = null!;

    public WebhookClient Client { get; private set; } = null!;

    /// <summary>The management token <see cref="Client"/> sends, when a derived fixture sets <c>Handler:Management:Tokens</c>.</summary>
    protected virtual string? ManagementToken => null;

    /// <summary>Settings a derived fixture adds to the handler's environment.</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings { get; } = new Dictionary<string, string>();

    public virtual async Task InitializeAsync()
    {
        Git = await GitServer.StartAsync();
        Emulator = await KubeApiEmulatorServer.StartAsync();
        var settings = new Dictionary<string, string>(ExtraSettings)
        {
            ["WEBHOOK_SECRET"] = Secret,
            ["KUBECONFIG"] = Emulator.WriteKubeconfig(_directory.Combine("kubeconfig")),
            ["Handler__CloneUrl"] = "GitUrl",
            ["Handler__Git__AllowedRemotes__0"] = Git.GitRoot.ToString(),
            ["Handler__RetryDelay"] = "00:00:00.200",
            ["Handler__MaxRetryDelay"] = "00:00:01",
            ["Handler__IgnoreRefs"] = IgnoredRefs,
        };
        Handler = await StartHandlerAsync(settings);
        await Handler.WaitUntilWarmAsync();
        Client = new WebhookClient(Handler, Secret, ManagementToken);
    }

    /// <summary>Starts what receives the webhooks: the local all-in-one process unless a derived fixture says otherwise.</summary>
    protected virtual Task<HandlerProcess> StartHandlerAsync(IReadOnlyDictionary<string, string> settings) => HandlerProcess.StartAsync(settings);

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Handler.DisposeAsync();
        await Emulator.DisposeAsync();
        await Git.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>A new repository with the manifest on main; returns it and main's head.</summary>
    public async Task<(GitRepository Repository, string Head)> NewRepositoryAsync(string? manifest = Manifest)
    {
        var repository = await Git.CreateRepositoryAsync("e2e/repo-" + Guid.NewGuid().ToString("N")[..10]);
        var files = new Dictionary<string, string?> { ["README.md"] = "test repository" };
        if (manifest is not null)
        {
            files[".ci/workflow.yaml"] = manifest;
        }

        return (repository, await repository.CommitAsync("main", files, "initial"));
    }

    /// <summary>
    /// Creates <paramref name="branch"/> from <paramref name="head"/> with one commit and sends its push under a new
    /// delivery id; fails unless the handler answers 202 "queued". Returns the delivery id and the payload sent.
    /// </summary>
    public async Task<(string Delivery, JsonObject Payload)> PushNewBranchAsync(GitRepository repository, string head, string branch)
    {
        var after = await repository.CommitAsync(branch, new Dictionary<string, string?> { ["n.txt"] = branch }, branch, startPoint: head);
        var delivery = Guid.NewGuid().ToString();
        var payload = PushPayload(repository, $"refs/heads/{branch}", Testing.Handler.GitHubPayloads.Zero, after, created: true);
        var (status, answer) = await Client.SendAsync("push", delivery, payload);
        Assert.Equal(202, status);
        Assert.Equal("queued", answer["status"]!.GetValue<string>());
        return (delivery, payload);
    }

    /// <summary>
    /// Makes the API server fail every create (until the faults are cleared), pushes <paramref name="count"/> new
    /// branches of a new repository (none supersedes another: each is due), and waits until the handler has tried and
    /// failed. Returns the repository and the delivery ids: acknowledged, and pending.
    /// </summary>
    public async Task<(GitRepository Repository, IReadOnlyList<string> Deliveries)> PendingPushesAsync(int count, TimeSpan timeout)
    {
        var (repository, head) = await NewRepositoryAsync();
        Emulator.Faults.FailNext(int.MaxValue, 503, r => r.Method == "POST");
        var deliveries = new List<string>();
        for (var i = 0; i < count; i++)
        {
            deliveries.Add((await PushNewBranchAsync(repository, head, $"feature-{i}")).Delivery);
        }

        await Emulator.Requests.WaitForAsync(r => r.Method == "POST" && r.StatusCode == 503, timeout);
        return (repository, deliveries);
    }

    /// <summary>
    /// Each delivery had exactly one successful write, at or after position <paramref name="since"/> of the request
    /// log, and the repository has one workflow per delivery.
    /// </summary>
    public void AssertWrittenOnceSince(GitRepository repository, IReadOnlyList<string> deliveries, int since)
    {
        var writes = KubernetesWrites.ByDelivery(Emulator.Requests.Snapshot());
        foreach (var delivery in deliveries)
        {
            var written = Assert.Single(writes[delivery], w => w.Succeeded);
            Assert.True(written.Index >= since, $"delivery {delivery} was written before #{since}: {written}");
        }

        Assert.Equal(deliveries.Count, WorkflowsOf(repository).Count);
    }

    public JsonObject PushPayload(GitRepository repository, string gitRef, string before, string after, bool created = false, bool deleted = false) =>
        GitHubPayloads.Push(repository.FullName, Git.GitUrl(repository.FullName), Git.HttpUrl(repository.FullName), gitRef, before, after, created, deleted);

    /// <summary>A <c>pull_request</c> delivery of <paramref name="action"/> for <paramref name="pr"/>, opened on <paramref name="repository"/>.</summary>
    public JsonObject PullRequestPayload(GitRepository repository, string action, PullRequestSpec pr, string? before = null) =>
        GitHubPayloads.PullRequest(repository.FullName, Git.GitUrl(repository.FullName), Git.HttpUrl(repository.FullName), action, pr, before);

    /// <summary>A comment created on pull request <paramref name="number"/> of <paramref name="repository"/>.</summary>
    public JsonObject CommentPayload(GitRepository repository, int number, string body, string login, string association) =>
        GitHubPayloads.PullRequestComment(repository.FullName, Git.GitUrl(repository.FullName), Git.HttpUrl(repository.FullName), number, body, login, association);

    /// <summary>A <c>merge_group</c> delivery of <paramref name="action"/> for the queue's commit on <paramref name="headRef"/>.</summary>
    public JsonObject MergeGroupPayload(GitRepository repository, string action, string headSha, string headRef, string baseSha) =>
        GitHubPayloads.MergeGroup(repository.FullName, Git.GitUrl(repository.FullName), Git.HttpUrl(repository.FullName), action, headSha, headRef, baseSha);

    /// <summary>Workflows the handler made for one repository, by its repository label.</summary>
    public IReadOnlyList<JsonObject> WorkflowsOf(GitRepository repository) =>
        Emulator.FindAll("argoproj.io", "workflows", "ci")
            .Where(w => w["metadata"]!["annotations"]?["k8s-webhook-handler.io/repo_name"]?.GetValue<string>() == repository.FullName)
            .ToList();
}
