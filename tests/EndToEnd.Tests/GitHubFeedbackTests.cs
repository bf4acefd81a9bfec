using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.GitHubApiEmulator.State;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Kubernetes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The handler with a token for the GitHub API emulator and a link to each workflow.</summary>
public class GitHubFeedbackFixture : HandlerFixture
{
    public const string Token = "ghp_end_to_end_feedback_token";
    public const string WorkflowUrl = "https://argo.example/workflows/{namespace}/{name}";

    private readonly Dictionary<string, string> _settings = [];
    private readonly Testing.Processes.TempDirectory _directory = new("feedback");

    public GitHubApiEmulatorServer GitHub { get; private set; } = null!;

    public Kubectl Kubectl { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => _settings;

    public override async Task InitializeAsync()
    {
        GitHub = await GitHubApiEmulatorServer.StartAsync();
        GitHub.Credentials.AddPersonalToken(Token, "ci-bot");
        _settings["Handler__GitHub__ApiUrl"] = GitHub.BaseUri.ToString();
        _settings["Handler__GitHub__Token"] = Token;
        _settings["Handler__GitHub__WorkflowUrl"] = WorkflowUrl;
        await base.InitializeAsync();
        Kubectl = new Kubectl(Emulator.WriteKubeconfig(_directory.Combine("kubeconfig")));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await GitHub.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>A new repository with the manifest on main, known to GitHub.</summary>
    public async Task<(GitRepository Repository, string Head)> NewGitHubRepositoryAsync(string? manifest = Manifest)
    {
        var created = await NewRepositoryAsync(manifest);
        var parts = created.Repository.FullName.Split('/');
        GitHub.Catalog.AddRepository(parts[0], parts[1]);
        return created;
    }

    /// <summary>
    /// The commit's statuses of <paramref name="context"/>, oldest first, once there are <paramref name="count"/>;
    /// fails after <paramref name="timeout"/> (default 3 minutes).
    /// </summary>
    public async Task<IReadOnlyList<CommitStatus>> StatusesAsync(GitRepository repository, string sha, string context, int count, TimeSpan? timeout = null)
    {
        IReadOnlyList<CommitStatus> Of() => GitHub.Statuses.For(repository.FullName, sha).Where(s => s.Context == context).Reverse().ToArray();
        await GitHub.Requests.WaitUntilAsync(_ => Of().Count >= count, timeout ?? TimeSpan.FromMinutes(3));
        return Of();
    }

    /// <summary>Sets a Workflow's <c>status.phase</c> (and message) with kubectl, as Argo's controller would.</summary>
    public Task PhaseAsync(JsonObject workflow, string phase, string? message = null)
    {
        var status = new JsonObject { ["phase"] = phase, ["message"] = message };
        var patch = new JsonObject { ["status"] = status }.ToJsonString();
        return Kubectl.RunCheckedAsync("patch", "workflows.argoproj.io", workflow["metadata"]!["name"]!.GetValue<string>(), "-n", "ci", "--type", "merge", "-p", patch);
    }
}

/// <summary>
/// Real processes: a push gives its commit a pending status with the workflow's link, each phase Argo sets gives one
/// status, a superseded run ends <c>error</c>, a refused manifest says why; GitHub's description is never broken.
/// </summary>
public sealed class GitHubFeedbackTests(GitHubFeedbackFixture fixture) : IClassFixture<GitHubFeedbackFixture>
{
    private const string Context = "k8s-webhook-handler/build";

    private static string Link(JsonObject workflow) => $"https://argo.example/workflows/ci/{workflow["metadata"]!["name"]!.GetValue<string>()}";

    private async Task<(GitRepository Repository, string Sha, JsonObject Workflow)> PushAsync()
    {
        var (repository, head) = await fixture.NewGitHubRepositoryAsync();
        var (delivery, payload) = await fixture.PushNewBranchAsync(repository, head, "feature");
        await fixture.Client.OutcomeAsync(repository.FullName, delivery);
        return (repository, payload["after"]!.GetValue<string>(), Assert.Single(fixture.WorkflowsOf(repository)));
    }

    [Fact]
    public async Task PushThenRunningThenSucceeded_GivesPendingThenSuccess_OnceEach()
    {
        var (repository, sha, workflow) = await PushAsync();
        await fixture.StatusesAsync(repository, sha, Context, 1);

        await fixture.PhaseAsync(workflow, "Running");
        await fixture.PhaseAsync(workflow, "Succeeded");
        var statuses = await fixture.StatusesAsync(repository, sha, Context, 2);

        Assert.Equal(
            [("pending", "running", Link(workflow)), ("success", "succeeded", Link(workflow))],
            statuses.Select(s => (s.State, s.Description, s.TargetUrl)));
        Assert.Empty(fixture.GitHub.Requests.Violations());
    }

    [Fact]
    public async Task FailedWorkflow_GivesFailureWithArgosMessage()
    {
        var (repository, sha, workflow) = await PushAsync();

        await fixture.PhaseAsync(workflow, "Failed", "child 'build-x-123' failed");
        var statuses = await fixture.StatusesAsync(repository, sha, Context, 2);

        Assert.Equal([("pending", "running"), ("failure", "child 'build-x-123' failed")], statuses.Select(s => (s.State, s.Description)));
        Assert.Empty(fixture.GitHub.Requests.Violations());
    }

    [Fact]
    public async Task SupersededRun_EndsErrorSupersededByTheNewerCommit()
    {
        var (repository, head) = await fixture.NewGitHubRepositoryAsync();
        var first = await repository.CommitFileAsync("main", "a.txt", "1");
        var second = await repository.CommitFileAsync("main", "a.txt", "2");
        foreach (var (before, after) in new[] { (head, first), (first, second) })
        {
            var delivery = Guid.NewGuid().ToString();
            await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repository, "refs/heads/main", before, after));
            await fixture.Client.OutcomeAsync(repository.FullName, delivery);
        }

        var statuses = await fixture.StatusesAsync(repository, first, Context, 2);

        Assert.Equal([("pending", "running"), ("error", $"superseded by {second[..7]}")], statuses.Select(s => (s.State, s.Description)));
        Assert.Equal("pending", Assert.Single(await fixture.StatusesAsync(repository, second, Context, 1)).State);
    }

    [Fact]
    public async Task RefusedManifest_GivesErrorWithTheReason()
    {
        var (repository, head) = await fixture.NewGitHubRepositoryAsync("apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n");
        var (delivery, payload) = await fixture.PushNewBranchAsync(repository, head, "feature");
        var outcome = await fixture.Client.OutcomeAsync(repository.FullName, delivery);

        var status = Assert.Single(await fixture.StatusesAsync(repository, payload["after"]!.GetValue<string>(), "k8s-webhook-handler", 1));

        Assert.Equal(("error", outcome!["reason"]!.GetValue<string>()), (status.State, status.Description));
        Assert.Empty(fixture.GitHub.Requests.Violations());
    }
}

/// <summary>
/// GitHub failing and rate-limiting for a while, with the handler killed and started again in between: every
/// transition still reaches GitHub once, in order, and nothing is sent while the limit says wait.
/// </summary>
public sealed class GitHubFeedbackFaultTests : IAsyncLifetime
{
    private const string Context = "k8s-webhook-handler/build";
    private readonly GitHubFeedbackFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    /// <summary>A commit status being created (matched by path: faults are decided before the operation is known).</summary>
    private static bool IsStatus(GitHubApiEmulator.Diagnostics.RecordedRequest r) => r.Method == "POST" && r.Path.Contains("/statuses/", StringComparison.Ordinal);

    [Fact]
    public async Task OutageThenRateLimitAcrossARestart_EveryTransitionArrivesOnceInOrder_NoneWhileLimited()
    {
        var (repository, head) = await _fixture.NewGitHubRepositoryAsync();
        var github = _fixture.GitHub;
        github.Faults.FailNext(3, 503, IsStatus);
        var (delivery, payload) = await _fixture.PushNewBranchAsync(repository, head, "feature");
        await _fixture.Client.OutcomeAsync(repository.FullName, delivery);
        var sha = payload["after"]!.GetValue<string>();
        var workflow = Assert.Single(_fixture.WorkflowsOf(repository));
        await _fixture.StatusesAsync(repository, sha, Context, 1);

        var reset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 20);
        github.Faults.ExhaustPrimaryRateLimit(reset);
        await _fixture.PhaseAsync(workflow, "Running");
        await _fixture.PhaseAsync(workflow, "Succeeded");
        await github.Requests.WaitForAsync(r => IsStatus(r) && r.StatusCode == 403, TimeSpan.FromMinutes(3));
        await _fixture.Handler.RestartAsync();
        var statuses = await _fixture.StatusesAsync(repository, sha, Context, 2);

        Assert.Equal([("pending", "running"), ("success", "succeeded")], statuses.Select(s => (s.State, s.Description)));
        Assert.Equal(3, github.Requests.Snapshot().Count(r => IsStatus(r) && r.StatusCode == 503));
        var limited = github.Requests.Snapshot().Count(r => r.StatusCode == 403);
        Assert.True(limited is >= 1 and <= 2, $"{limited} requests were sent while the rate limit said wait: at most one per process may learn it");
        Assert.Empty(github.Requests.Violations());
    }
}
