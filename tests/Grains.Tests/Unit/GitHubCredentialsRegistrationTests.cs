using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary><c>AddGitHubCredentials()</c>, and the request deadline under Handler:GitHub.</summary>
public sealed class GitHubCredentialsRegistrationTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) => OptionsRegistrationTests.Configuration(settings);

    [Fact]
    public async Task AddGitHubCredentials_WithTheSeedsGitHubToken_GivesThatToken()
    {
        var services = new ServiceCollection().AddSingleton(Configuration(("GITHUB_TOKEN", "ghp_environment"))).AddLogging().AddGitHubCredentials();
        await using var provider = services.BuildServiceProvider();

        var credential = await provider.GetRequiredService<IGitHubCredentials>().ForInstallationAsync(null, RepositoryKey.Parse("octo-org/hello"), CancellationToken.None);

        Assert.Equal(GitHubCredential.Configured("ghp_environment"), credential);
        Assert.Same(provider.GetRequiredService<GitHubCredentials>(), provider.GetRequiredService<IGitHubCredentials>());
    }

    [Fact]
    public void RequestTimeout_DefaultsToTenSeconds_AndIsBound()
    {
        var defaulted = ValidatedOptions.Get<GitHubOptions>(Configuration(), s => s.AddGitHubOptions());
        var configured = ValidatedOptions.Get<GitHubOptions>(Configuration(("Handler:GitHub:RequestTimeout", "00:00:30")), s => s.AddGitHubOptions());

        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)), (defaulted.RequestTimeout, configured.RequestTimeout));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:05:01")]
    public void RequestTimeout_NotPositiveOrOverFiveMinutes_SaysTheRange(string timeout)
    {
        var problem = Assert.Single(StartupCheck.Problems(Configuration(("Handler:GitHub:RequestTimeout", timeout)), s => s.AddGitHubOptions()));

        Assert.Equal("Handler:GitHub:RequestTimeout must be positive and at most 00:05:00 (default 00:00:10).", problem);
    }
}
