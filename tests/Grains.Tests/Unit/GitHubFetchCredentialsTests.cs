using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Options = Microsoft.Extensions.Options.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The git mirror's credentials from Handler:GitHub: which git host they belong to, and when there are none.</summary>
public sealed class GitHubFetchCredentialsTests
{
    private static readonly RepositoryKey Repository = RepositoryKey.Parse("octo-org/hello");

    private static GitHubFetchCredentials Credentials(GitHubOptions options) =>
        new(new GitHubCredentials(Options.Create(options), TimeProvider.System, NullLogger<GitHubCredentials>.Instance), Options.Create(options));

    [Theory]
    [InlineData("https://api.github.com", "github.com")]
    [InlineData("https://api.github.com/", "github.com")]
    [InlineData("https://API.GitHub.com", "github.com")]
    [InlineData("https://ghe.example.com/api/v3", "ghe.example.com")]
    [InlineData("https://ghe.example.com/api/v3/", "ghe.example.com")]
    [InlineData("https://ghe.example.com:8443/api/v3", "ghe.example.com:8443")]
    [InlineData("http://127.0.0.1:5000/", null)]
    [InlineData("https://api.github.com:8443/", null)]
    [InlineData("https://ghe.example.com/api", null)]
    [InlineData("https://ghe.example.com/", null)]
    public void GitHost_IsTheHostTheApiUrlNames(string apiUrl, string? gitHost)
    {
        Assert.True(GitHubApiUrl.TryParse(apiUrl, out var url, out _));

        Assert.Equal(gitHost, GitHubApiUrl.GitHost(url));
        Assert.Equal(gitHost, Credentials(new GitHubOptions { ApiUrl = apiUrl }).GitHost);
    }

    [Fact]
    public async Task NothingConfigured_FetchesAnonymously()
    {
        var credentials = Credentials(new GitHubOptions());

        Assert.Null(await credentials.ForRepositoryAsync(Repository, installation: 7, CancellationToken.None));
        Assert.Null(await credentials.ForRepositoryAsync(Repository, installation: null, CancellationToken.None));
    }

    [Fact]
    public async Task ConfiguredToken_IsTheCredential_AndARefusalRenewsNothing()
    {
        var credentials = Credentials(new GitHubOptions { Token = "ghp_configured" });

        var credential = await credentials.ForRepositoryAsync(Repository, installation: 7, CancellationToken.None);

        Assert.Equal("ghp_configured", credential!.Token);
        Assert.Equal("the configured token", credential.ToString());
        Assert.False(credentials.Refused(credential));
    }

    [Fact]
    public async Task App_WithAnEventWithoutAnInstallation_IsRefusedSayingWhy()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var credentials = Credentials(new GitHubOptions { AppId = 42, PrivateKey = key.ExportRSAPrivateKeyPem() });

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => credentials.ForRepositoryAsync(Repository, installation: null, CancellationToken.None).AsTask());

        Assert.StartsWith("The event carries no installation (installation.id)", refused.Message, StringComparison.Ordinal);
    }
}
