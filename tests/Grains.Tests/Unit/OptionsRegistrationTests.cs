using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Options registered by more than one subsystem are bound and validated once.</summary>
public sealed class OptionsRegistrationTests
{
    internal static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    /// <summary>The git mirror and the Kubernetes target both ask for the data directory; the git options are asked for twice.</summary>
    private static void AddTwice(IServiceCollection services) => services.AddGitMirror().AddKubernetesTarget().AddGitOptions();

    [Fact]
    public void OptionsAskedForTwice_AreBoundOnce()
    {
        var configuration = Configuration(("Handler:Git:AllowedRemotes:0", "https://ghe.example.com/"));

        var git = ValidatedOptions.Get<GitOptions>(configuration, AddTwice);

        Assert.Equal(["https://ghe.example.com/"], git.AllowedRemotes);
    }

    [Fact]
    public void OptionsAskedForTwice_SayEachProblemOnce()
    {
        var configuration = Configuration(("Handler:DataDirectory", ""), ("Handler:Git:MaxFetchBytes", "0"), ("Handler:DryRun", "true"));

        var problems = StartupCheck.Problems(configuration, AddTwice);

        Assert.Equal(
        [
            "Handler:DataDirectory is empty: set it to a writable directory for state and git mirrors.",
            "Handler:Git:MaxFetchBytes must be positive (default 1073741824, 1 GiB).",
        ], problems.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GitHubTokenFromTheEnvironment_IsTheTokenOnlyWhenNoneIsConfigured()
    {
        var fromEnvironment = ValidatedOptions.Get<GitHubOptions>(Configuration(("GITHUB_TOKEN", "ghp_environment")), s => s.AddGitHubOptions());
        var configured = ValidatedOptions.Get<GitHubOptions>(Configuration(("GITHUB_TOKEN", "ghp_environment"), ("Handler:GitHubToken", "ghp_configured")), s => s.AddGitHubOptions());
        var underGitHub = ValidatedOptions.Get<GitHubOptions>(Configuration(("Handler:GitHubToken", "ghp_configured"), ("Handler:GitHub:Token", "ghp_github")), s => s.AddGitHubOptions());

        Assert.Equal(("ghp_environment", "ghp_configured", "ghp_github"), (fromEnvironment.Token, configured.Token, underGitHub.Token));
    }

    [Fact]
    public void ValueOfTheWrongTypeUnderASection_NamesItsFullKey()
    {
        var problem = Assert.Single(StartupCheck.Problems(Configuration(("Handler:Git:FetchTimeout", "5m")), s => s.AddGitOptions()));

        Assert.Equal("Handler:Git:FetchTimeout is '5m', which is not a time span written [d.]hh:mm:ss[.fff], e.g. 00:00:05 or 3.00:00:00: "
            + "set it to a time span written [d.]hh:mm:ss[.fff], e.g. 00:00:05 or 3.00:00:00.", problem);
    }

    [Fact]
    public void KubernetesOptions_WithoutKinds_AllowTheDefaultKinds()
    {
        var kubernetes = ValidatedOptions.Get<KubernetesOptions>(Configuration(), s => s.AddKubernetesOptions());

        Assert.Equal(KubernetesOptions.DefaultAllowedKinds, kubernetes.AllowedKinds);
    }
}
