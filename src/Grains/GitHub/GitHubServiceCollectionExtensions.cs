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

    /// <summary>
    /// Registers <see cref="GitHubHookDeliveries"/> as the delivery reconciler's <see cref="Recovery.IHookDeliveries"/>
    /// when <paramref name="configuration"/> has credentials to list deliveries with (a token or an App); without them
    /// none is registered and the reconciler does nothing.
    /// </summary>
    public static IServiceCollection AddHookDeliveries(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.ReportsToGitHub())
        {
            services.AddGitHubOptions();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<Recovery.IHookDeliveries, GitHubHookDeliveries>();
        }

        return services;
    }
}
