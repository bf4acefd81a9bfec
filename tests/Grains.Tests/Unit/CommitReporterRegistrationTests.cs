using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary><c>AddCommitReporter()</c>: a reporter only when GitHub credentials are configured; none means reporting is off.</summary>
public sealed class CommitReporterRegistrationTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) => OptionsRegistrationTests.Configuration(settings);

    [Theory]
    [InlineData("GITHUB_TOKEN", "ghp_environment")]
    [InlineData("Handler:GitHubToken", "ghp_git")]
    [InlineData("Handler:GitHub:Token", "ghp_api")]
    public async Task AToken_RegistersTheReporter(string key, string token)
    {
        var configuration = Configuration((key, token));
        var services = new ServiceCollection().AddSingleton(configuration).AddLogging().AddCommitReporter(configuration);
        await using var provider = services.BuildServiceProvider();

        Assert.True(configuration.ReportsToGitHub());
        Assert.IsType<RateLimitGate>(provider.GetService<ICommitReporter>());
        Assert.NotNull(provider.GetService<CommitReporter>());
    }

    [Fact]
    public void AnAppId_RegistersTheReporter()
    {
        var configuration = Configuration(("Handler:GitHub:AppId", "424242"));

        var services = new ServiceCollection().AddCommitReporter(configuration);

        Assert.True(configuration.ReportsToGitHub());
        Assert.Contains(services, d => d.ServiceType == typeof(ICommitReporter));
    }

    [Fact]
    public async Task NoCredentials_RegistersNoReporter_ReportingIsOff()
    {
        var configuration = Configuration();
        var services = new ServiceCollection().AddSingleton(configuration).AddLogging().AddCommitReporter(configuration);
        await using var provider = services.BuildServiceProvider();

        Assert.False(configuration.ReportsToGitHub());
        Assert.Null(provider.GetService<ICommitReporter>());
    }
}
