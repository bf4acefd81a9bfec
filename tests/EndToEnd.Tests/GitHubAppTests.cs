using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// The handler configured as a GitHub App, against the GitHub API emulator and a git server that, like GitHub, lets in
/// only an installation token issued for the repository: a push to a private repository is fetched with the token the
/// App got for that repository from the event's installation, and applied; what becomes of it is told as check runs.
/// </summary>
public sealed class GitHubAppTests : IAsyncLifetime
{
    private const long AppId = 515_151;
    private const string Secret = "private-repository-secret";
    private readonly TempDirectory _directory = new("end-to-end-private");
    private readonly ConcurrentQueue<(string Repository, string Token, bool Accepted)> _presented = new();
    private readonly RSA _appKey = RSA.Create(2048);
    private GitHubApiEmulatorServer _github = null!;
    private GitServer _git = null!;
    private KubeApiEmulatorServer _kubernetes = null!;
    private HandlerProcess _handler = null!;
    private WebhookClient _client = null!;

    public async Task InitializeAsync()
    {
        _github = await GitHubApiEmulatorServer.StartAsync();
        var publicKey = RSA.Create(); // the emulator keeps it
        publicKey.ImportSubjectPublicKeyInfo(_appKey.ExportSubjectPublicKeyInfo(), out _);
        _github.Catalog.RegisterApp(AppId, publicKey);
        _git = await GitServer.StartAsync(Authorize);
        _kubernetes = await KubeApiEmulatorServer.StartAsync();
        _handler = await HandlerProcess.StartAsync(new Dictionary<string, string>
        {
            ["WEBHOOK_SECRET"] = Secret,
            ["KUBECONFIG"] = _kubernetes.WriteKubeconfig(_directory.Combine("kubeconfig")),
            ["Handler__Git__AllowedRemotes__0"] = _git.HttpRoot.ToString(),
            ["Handler__Git__CredentialHosts__0"] = _git.HttpRoot.Authority,
            ["Handler__Git__AllowInsecureCredentials"] = "true",
            ["Handler__GitHub__ApiUrl"] = _github.BaseUri.ToString(),
            ["Handler__GitHub__AppId"] = AppId.ToString(CultureInfo.InvariantCulture),
            ["Handler__GitHub__PrivateKey"] = _appKey.ExportRSAPrivateKeyPem(),
            ["Handler__GitHub__WorkflowUrl"] = "https://argo.example/workflows/{namespace}/{name}",
        });
        await _handler.WaitUntilWarmAsync();
        _client = new WebhookClient(_handler, Secret);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _handler.DisposeAsync();
        await _kubernetes.DisposeAsync();
        await _git.DisposeAsync();
        await _github.DisposeAsync();
        _appKey.Dispose();
        _directory.Dispose();
    }

    /// <summary>GitHub's rule for a token on git's HTTPS: one the App was issued for this repository, unexpired.</summary>
    private bool Authorize(string repository, string token)
    {
        var issued = _github.Credentials.InstallationToken(token);
        var accepted = issued is not null && issued.ExpiresAt > DateTimeOffset.UtcNow && issued.Repositories.Contains(repository, StringComparer.OrdinalIgnoreCase);
        _presented.Enqueue((repository, token, accepted));
        return accepted;
    }

    /// <summary>A private repository with <paramref name="manifest"/> on main in installation <paramref name="installation"/>; returns it and main's head.</summary>
    private async Task<(GitRepository Repository, string Head)> NewRepositoryAsync(long installation, string manifest = HandlerFixture.Manifest)
    {
        var repository = await _git.CreateRepositoryAsync("octo-private/app-" + Guid.NewGuid().ToString("N")[..8]);
        var head = await repository.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = manifest }, "initial");
        _github.Catalog.AddRepository("octo-private", repository.FullName["octo-private/".Length..], isPrivate: true);
        _github.Catalog.AddRepository("octo-private", "neighbour-" + installation, isPrivate: true);
        _github.Catalog.AddInstallation(AppId, installation, [repository.FullName, "octo-private/neighbour-" + installation]);
        return (repository, head);
    }

    /// <summary>Sends the push of main's head as installation <paramref name="installation"/>'s event; returns the delivery's outcome.</summary>
    private async Task<JsonObject> PushAsync(GitRepository repository, string head, long installation)
    {
        var payload = GitHubPayloads.Push(repository.FullName, _git.GitUrl(repository.FullName), _git.HttpUrl(repository.FullName), "refs/heads/main", GitHubPayloads.Zero, head, created: true);
        payload["installation"] = new JsonObject { ["id"] = installation };
        var delivery = Guid.NewGuid().ToString();
        var (status, _) = await _client.SendAsync("push", delivery, payload);
        Assert.Equal(202, status);
        return await _client.OutcomeAsync(repository.FullName, delivery);
    }

    /// <summary>
    /// Once a check run of <paramref name="name"/> on the commit satisfies <paramref name="done"/>: the App's accepted
    /// requests that made and changed it, in order, as (status, conclusion), and the run as it stands.
    /// </summary>
    private async Task<(List<(string?, string?)> Requests, GitHubApiEmulator.State.CheckRun Run)> CheckRunAsync(
        GitRepository repository, string sha, string name, Func<GitHubApiEmulator.State.CheckRun, bool> done)
    {
        GitHubApiEmulator.State.CheckRun? Run() => _github.CheckRuns.ForSha(repository.FullName, sha).SingleOrDefault(r => r.Name == name);
        await _github.Requests.WaitUntilAsync(_ => Run() is { } run && done(run), TimeSpan.FromMinutes(3));
        var run = Run()!;
        var requests = _github.Requests.Snapshot()
            .Where(r => r.StatusCode is 200 or 201 && (
                (r.OperationId == "checks/create" && r.Body.Contains(sha, StringComparison.Ordinal)) ||
                (r.OperationId == "checks/update" && r.Path.EndsWith($"/check-runs/{run.Id}", StringComparison.Ordinal))))
            .Select(r => JsonNode.Parse(r.Body)!.AsObject())
            .Select(b => (b["status"]?.GetValue<string>(), b["conclusion"]?.GetValue<string>()))
            .ToList();
        return (requests, run);
    }

    private async Task PhaseAsync(string workflow, string phase)
    {
        var kubectl = new Testing.Kubernetes.Kubectl(_kubernetes.WriteKubeconfig(_directory.Combine("kubeconfig")));
        var patch = new JsonObject { ["status"] = new JsonObject { ["phase"] = phase } }.ToJsonString();
        await kubectl.RunCheckedAsync("patch", "workflows.argoproj.io", workflow, "-n", "ci", "--type", "merge", "-p", patch);
    }

    [Fact]
    public async Task AppReports_AreACheckRunInProgress_ThenCompletedSuccess_WithTheLink_OnceEach()
    {
        var (repository, head) = await NewRepositoryAsync(8102);
        await PushAsync(repository, head, 8102);
        await CheckRunAsync(repository, head, "k8s-webhook-handler/build", r => r.Status == "in_progress");
        var workflow = Assert.Single(_kubernetes.FindAll("argoproj.io", "workflows", "ci"),
            w => w["metadata"]!["annotations"]?["k8s-webhook-handler.io/repo_name"]?.GetValue<string>() == repository.FullName)["metadata"]!["name"]!.GetValue<string>();

        await PhaseAsync(workflow, "Running");
        await PhaseAsync(workflow, "Succeeded");
        var (requests, run) = await CheckRunAsync(repository, head, "k8s-webhook-handler/build", r => r.Status == "completed");

        Assert.Equal([("in_progress", null), ("completed", "success")], requests);
        Assert.Equal(($"https://argo.example/workflows/ci/{workflow}", AppId), (run.DetailsUrl, run.AppId));
        Assert.Empty(_github.Requests.Violations());
    }

    [Fact]
    public async Task RefusedManifest_IsACompletedFailedCheckRun_WithTheReasonInItsSummary()
    {
        var (repository, head) = await NewRepositoryAsync(8103, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n");

        var outcome = await PushAsync(repository, head, 8103);
        var (_, run) = await CheckRunAsync(repository, head, "k8s-webhook-handler", r => r.Status == "completed");

        Assert.Equal("rejected", outcome["state"]!.GetValue<string>());
        Assert.Equal(("failure", outcome["reason"]!.GetValue<string>()), (run.Conclusion, run.Output.Summary));
        Assert.Empty(_github.Requests.Violations());
    }

    [Fact]
    public async Task PushToAPrivateRepository_IsFetchedWithTheInstallationTokenForIt_AndApplied()
    {
        var (repository, head) = await NewRepositoryAsync(8101);

        var outcome = await PushAsync(repository, head, 8101);

        Assert.True(outcome["state"]!.GetValue<string>() == "applied", $"{outcome.ToJsonString()}\n{_handler.Log}");
        var issued = Assert.Single(_github.Credentials.Issued);
        Assert.Equal(8101, issued.InstallationId);
        Assert.Equal([repository.FullName], issued.Repositories);
        Assert.NotEmpty(_presented);
        Assert.All(_presented, p => Assert.Equal((repository.FullName, issued.Token, true), p));
        Assert.DoesNotContain(issued.Token, _handler.Log, StringComparison.Ordinal);
        Assert.Empty(_github.Requests.Violations());
        var workflow = Assert.Single(_kubernetes.FindAll("argoproj.io", "workflows", "ci"),
            w => w["metadata"]!["annotations"]?["k8s-webhook-handler.io/repo_name"]?.GetValue<string>() == repository.FullName);
        Assert.Equal(head, workflow["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>());
    }
}
