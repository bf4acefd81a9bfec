using System.Collections.Concurrent;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;
using Options = Microsoft.Extensions.Options.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>
/// A private repository on a git server that, like GitHub, lets in only an installation token the GitHub emulator
/// issued for that repository: the mirror fetches it with the App's token for the delivery's repository, renewed once
/// when the server refuses it.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class PrivateRepositoryFetchTests : IAsyncLifetime
{
    private const long GitInstallation = 7002;
    private readonly TempDirectory _data = new("private-mirror");
    private readonly ConcurrentQueue<(string Repository, string Token, bool Accepted)> _presented = new();
    private readonly ConcurrentDictionary<string, bool> _revoked = new(StringComparer.Ordinal);
    private CredentialsWorld _world = null!;
    private GitServer _git = null!;

    public async Task InitializeAsync()
    {
        _world = await CredentialsWorld.StartAsync();
        _git = await GitServer.StartAsync(Authorize);
    }

    public async Task DisposeAsync()
    {
        await _git.DisposeAsync();
        await _world.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>GitHub's rule for a token on git's HTTPS: issued for this repository, unexpired, with contents access.</summary>
    private bool Authorize(string repository, string token)
    {
        var issued = _world.Emulator.Credentials.InstallationToken(token);
        var accepted = issued is not null && issued.ExpiresAt > _world.Time.GetUtcNow() && !_revoked.ContainsKey(token) &&
            issued.Repositories.Contains(repository, StringComparer.OrdinalIgnoreCase) && issued.Permissions.ContainsKey("contents");
        _presented.Enqueue((repository, token, accepted));
        return accepted;
    }

    /// <summary>Two private repositories on the git server and in the emulator, both in one installation of the App.</summary>
    private async Task<(GitRepository Private, GitRepository Sibling)> RepositoriesAsync()
    {
        var name = "octo-org/private-" + Guid.NewGuid().ToString("N")[..8];
        var repositories = (await _git.CreateRepositoryAsync(name), await _git.CreateRepositoryAsync(name + "-sibling"));
        foreach (var full in new[] { name, name + "-sibling" })
        {
            _world.Emulator.Catalog.AddRepository("octo-org", full["octo-org/".Length..], isPrivate: true);
        }

        _world.Emulator.Catalog.AddInstallation(CredentialsWorld.AppId, GitInstallation, [name, name + "-sibling"]);
        return repositories;
    }

    private GitOptions GitSettings() => new()
    {
        AllowedRemotes = [_git.HttpRoot.ToString()],
        CredentialHosts = [_git.HttpRoot.Authority],
        AllowInsecureCredentials = true,
    };

    private GitMirror AppMirror()
    {
        var github = _world.AppOptions();
        var credentials = new GitHubFetchCredentials(_world.Credentials(github), Options.Create(github));
        return Mirrors.Create(GitSettings(), _data.Path, credentials);
    }

    private RemoteRepository Remote(GitRepository repository, long? installation) =>
        new(RepositoryKey.Parse(repository.FullName), _git.HttpUrl(repository.FullName).ToString(), installation);

    [Fact]
    public async Task PrivateRepository_IsFetchedWithTheInstallationTokenIssuedForIt()
    {
        var (repository, _) = await RepositoriesAsync();
        var sha = await repository.CommitFileAsync("main", ".ci/workflow.yaml", "private manifest");

        var text = await AppMirror().ReadFileAsync(Remote(repository, GitInstallation), GitMirrorTests.Main, sha, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal("private manifest", text);
        var issued = Assert.Single(_world.Emulator.Credentials.Issued);
        Assert.Equal([repository.FullName], issued.Repositories);
        Assert.Equal(GitInstallation, issued.InstallationId);
        Assert.All(_presented, p => Assert.Equal((repository.FullName, issued.Token, true), p));
        Assert.NotEmpty(_presented);
        _world.AssertNoViolations();
    }

    [Fact]
    public async Task WithoutCredentials_OrWithTheTokenOfAnotherRepository_TheFetchIsRefused()
    {
        var (repository, sibling) = await RepositoriesAsync();
        var sha = await repository.CommitFileAsync("main", ".ci/workflow.yaml", "private manifest");
        var siblings = await _world.Credentials(_world.AppOptions()).ForInstallationAsync(GitInstallation, RepositoryKey.Parse(sibling.FullName), CancellationToken.None);
        using var other = new TempDirectory("private-mirror-other");

        var anonymous = await Assert.ThrowsAsync<TransientException>(() => Mirrors.Create(GitSettings(), _data.Path)
            .ReadFileAsync(Remote(repository, GitInstallation), GitMirrorTests.Main, sha, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None));
        var wrongRepository = await Assert.ThrowsAsync<TransientException>(() => Mirrors.Create(GitSettings(), other.Path, siblings.Token)
            .ReadFileAsync(Remote(repository, GitInstallation), GitMirrorTests.Main, sha, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None));

        var url = _git.HttpUrl(repository.FullName);
        Assert.StartsWith($"git fetch of {repository.FullName} from {url} failed: ", anonymous.Message, StringComparison.Ordinal);
        Assert.Equal($"git fetch of {repository.FullName} from {url} failed: the server refused the credential (401)", wrongRepository.Message);
        Assert.DoesNotContain(siblings.Token, wrongRepository.Message, StringComparison.Ordinal);
        Assert.Equal([(repository.FullName, siblings.Token, false)], _presented);
    }

    [Fact]
    public async Task InstallationThatDoesNotCoverTheRepository_IsRefusedBeforeAnythingIsFetched()
    {
        var (repository, _) = await RepositoriesAsync();
        var sha = await repository.CommitFileAsync("main", ".ci/workflow.yaml", "private manifest");

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => AppMirror()
            .ReadFileAsync(Remote(repository, CredentialsWorld.Installation), GitMirrorTests.Main, sha, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None));

        Assert.Contains($"GitHub answered 422; installation {CredentialsWorld.Installation} does not cover {repository.FullName}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Emulator.Credentials.Issued);
        Assert.Empty(_presented);
    }

    [Fact]
    public async Task TokenTheServerRefusesOnce_IsRenewedOnce_AndTheFetchMadeAgain()
    {
        var (repository, _) = await RepositoriesAsync();
        var first = await repository.CommitFileAsync("main", ".ci/workflow.yaml", "first");
        var mirror = AppMirror();
        await mirror.ReadFileAsync(Remote(repository, GitInstallation), GitMirrorTests.Main, first, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None);
        var cached = Assert.Single(_world.Emulator.Credentials.Issued).Token;
        _revoked[cached] = true;
        var second = await repository.CommitFileAsync("main", ".ci/workflow.yaml", "second");

        var text = await mirror.ReadFileAsync(Remote(repository, GitInstallation), GitMirrorTests.Main, second, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal("second", text);
        var tokens = _world.Emulator.Credentials.Issued.Select(t => t.Token).ToArray();
        Assert.Equal(2, tokens.Length);
        Assert.Equal(1, _presented.Count(p => p.Token == cached && !p.Accepted));
        Assert.All(_presented.Where(p => p.Token == tokens[1]), p => Assert.True(p.Accepted));
        Assert.Contains(_presented, p => p.Token == tokens[1]);
        Assert.Equal(2, _world.TokenRequests().Count);
        _world.AssertNoViolations();
    }
}
