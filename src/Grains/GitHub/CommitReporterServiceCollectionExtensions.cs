using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.GitHub;

public static class CommitReporterServiceCollectionExtensions
{
    /// <summary>
    /// Whether <paramref name="configuration"/> gives GitHub credentials to report with: a GitHub App
    /// (<c>Handler:GitHub:AppId</c>; check runs) or a token (<c>Handler:GitHub:Token</c>, <c>Handler:GitHubToken</c> or
    /// <c>GITHUB_TOKEN</c>; commit statuses).
    /// </summary>
    public static bool ReportsToGitHub(this IConfiguration configuration) =>
        configuration[$"{GitHubOptions.Section}:AppId"] is { Length: > 0 }
        || configuration[$"{GitHubOptions.Section}:Token"] is { Length: > 0 }
        || GitHubTokenSetting.Read(configuration) is not null;

    /// <summary>
    /// Registers <see cref="ICommitReporter"/> (<see cref="CommitReporter"/> behind the silo's <see cref="RateLimitGate"/>,
    /// with <see cref="GitHubServiceCollectionExtensions.AddGitHubCredentials"/>) when <paramref name="configuration"/>
    /// <see cref="ReportsToGitHub"/>, and nothing otherwise: reporting is off when the container has no
    /// <see cref="ICommitReporter"/> (<c>GetService</c> answers null).
    /// </summary>
    public static IServiceCollection AddCommitReporter(this IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.ReportsToGitHub())
        {
            return services;
        }

        services.AddGitHubCredentials();
        services.TryAddSingleton<CommitReporter>();
        services.TryAddSingleton<ICommitReporter>(sp => new RateLimitGate(
            sp.GetRequiredService<CommitReporter>(), sp.GetRequiredService<TimeProvider>(), perInstallation: sp.GetRequiredService<IOptions<GitHubOptions>>().Value.IsApp));
        return services;
    }
}
