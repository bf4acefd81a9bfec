using System.Text;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// Where the token goes, seen from a server that asks everyone for credentials and writes down what it gets: an
/// allowed remote is not thereby trusted with the token.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class GitCredentialTests : IAsyncLifetime
{
    private const string Token = "ghp_capture_me";
    private readonly TempDirectory _data = new("mirror-credentials");
    private CredentialCaptureServer _server = null!;

    public async Task InitializeAsync() => _server = await CredentialCaptureServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    private async Task<TransientException> FetchAsync(GitOptions git)
    {
        git.AllowedRemotes = [_server.BaseUri.ToString()];
        var mirror = Mirrors.Create(git, _data.Path, Token);
        return await Assert.ThrowsAsync<TransientException>(() =>
            mirror.ResolveRefAsync(new(RepositoryKey.Parse("owner/x"), _server.BaseUri + "owner/x.git"), GitRef.Branch("main"), CancellationToken.None));
    }

    [Fact]
    public async Task AllowedPlainHttpRemote_NeverReceivesTheToken()
    {
        var error = await FetchAsync(new GitOptions());

        Assert.True(_server.Requests > 0);
        Assert.Empty(_server.Authorizations);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialHostOverPlainHttp_WithoutTheOptIn_NeverReceivesTheToken()
    {
        await FetchAsync(new GitOptions { CredentialHosts = [_server.BaseUri.Authority] });

        Assert.True(_server.Requests > 0);
        Assert.Empty(_server.Authorizations);
    }

    [Fact]
    public async Task CredentialHostOverPlainHttp_WithTheOptIn_ReceivesTheToken()
    {
        var error = await FetchAsync(new GitOptions { CredentialHosts = [_server.BaseUri.Authority], AllowInsecureCredentials = true });

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + Token));
        Assert.NotEmpty(_server.Authorizations);
        Assert.All(_server.Authorizations, header => Assert.Equal(expected, header));
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenIsNeverWrittenToTheMirrorsConfig()
    {
        await FetchAsync(new GitOptions { CredentialHosts = [_server.BaseUri.Authority], AllowInsecureCredentials = true });

        var configs = Directory.GetFiles(Path.Combine(_data.Path, "mirrors"), "config", SearchOption.AllDirectories);
        Assert.NotEmpty(configs);
        Assert.All(configs, config => Assert.DoesNotContain(Token, File.ReadAllText(config), StringComparison.Ordinal));
    }

    /// <remarks>
    /// LibGit2Sharp always lets libgit2 follow a redirect to another host on the first request (its fetch options fix
    /// <c>follow_redirects</c> to <c>Initial</c>), so the token decision is taken again on the URL libgit2 asks for.
    /// </remarks>
    /// <param name="listedWithoutItsPort">
    /// Whether the target's host is a credential host, listed without a port (its default one): the target's port differs.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RedirectToAnotherHostOrPort_NeverReceivesTheToken(bool listedWithoutItsPort)
    {
        await using var elsewhere = await CredentialCaptureServer.StartAsync("127.0.0.2");
        await using var redirector = await CredentialCaptureServer.StartAsync(redirectTo: elsewhere.BaseUri);
        var options = new GitOptions
        {
            AllowedRemotes = [redirector.BaseUri.ToString()],
            CredentialHosts = listedWithoutItsPort ? [redirector.BaseUri.Authority, elsewhere.BaseUri.Host] : [redirector.BaseUri.Authority],
            AllowInsecureCredentials = true,
        };
        var mirror = Mirrors.Create(options, _data.Path, Token);

        await Assert.ThrowsAsync<TransientException>(() =>
            mirror.ResolveRefAsync(new(RepositoryKey.Parse("owner/x"), redirector.BaseUri + "owner/x.git"), GitRef.Branch("main"), CancellationToken.None));

        Assert.True(elsewhere.Requests > 0);
        Assert.Empty(elsewhere.Authorizations);
    }
}
