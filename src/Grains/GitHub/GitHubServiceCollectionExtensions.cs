using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8sWebhookHandler.Grains.GitHub;

public static class GitHubServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="GitHubOptions"/> (<c>Handler:GitHub:*</c>); with no <c>Handler:GitHub:Token</c>, the
    /// git token (<c>Handler:GitHubToken</c>, else <c>GITHUB_TOKEN</c>) is the API's too.
    /// </summary>
    public static IServiceCollection AddGitHubOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<GitHubOptions, GitHubOptionsValidator>(GitHubOptions.Section, options =>
            options.PostConfigure<IConfiguration>((github, configuration) =>
            {
                if (string.IsNullOrEmpty(github.Token))
                {
                    github.Token = GitHubTokenSetting.Read(configuration);
                }
            }));

    /// <summary>
    /// Registers <see cref="IGitHubCredentials"/> (the configured token, or the App's installation tokens, cached per
    /// installation) with <see cref="AddGitHubOptions"/>.
    /// </summary>
    public static IServiceCollection AddGitHubCredentials(this IServiceCollection services)
    {
        services.AddGitHubOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitHubCredentials>();
        services.TryAddSingleton<IGitHubCredentials>(sp => sp.GetRequiredService<GitHubCredentials>());
        return services;
    }
}
