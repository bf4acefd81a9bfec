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
/// App got for that repository from the event's installation, and applied.
/// </summary>
public sealed class PrivateRepositoryTests : IAsyncLifetime
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
        });
        await _handler.WaitUntilWarmAsync();
        _client = new WebhookClient(_handler.BaseUri, Secret);
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

    [Fact]
    public async Task PushToAPrivateRepository_IsFetchedWithTheInstallationTokenForIt_AndApplied()
    {
        var repository = await _git.CreateRepositoryAsync("octo-private/app-" + Guid.NewGuid().ToString("N")[..8]);
        var head = await repository.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = HandlerFixture.Manifest }, "initial");
        _github.Catalog.AddRepository("octo-private", repository.FullName["octo-private/".Length..], isPrivate: true);
        _github.Catalog.AddRepository("octo-private", "neighbour", isPrivate: true);
        _github.Catalog.AddInstallation(AppId, 8101, [repository.FullName, "octo-private/neighbour"]);
        var payload = GitHubPayloads.Push(repository.FullName, _git.GitUrl(repository.FullName), _git.HttpUrl(repository.FullName), "refs/heads/main", GitHubPayloads.Zero, head, created: true);
        payload["installation"] = new JsonObject { ["id"] = 8101 };
        var delivery = Guid.NewGuid().ToString();

        var (status, _) = await _client.SendAsync("push", delivery, payload);
        var outcome = await _client.OutcomeAsync(repository.FullName, delivery);

        Assert.Equal(202, status);
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
