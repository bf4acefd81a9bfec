using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Git;

public static class GitServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="GitOptions"/> (<c>Handler:CloneUrl</c>, <c>CloneUrlRewrites</c>, <c>GitHubToken</c>,
    /// <c>Handler:Git:*</c>), with the Go handler's <c>GITHUB_TOKEN</c> as the token when none is configured.
    /// </summary>
    public static IServiceCollection AddGitOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<GitOptions, GitOptionsValidator>(GitOptions.Section, options =>
            options.PostConfigure<IConfiguration>((git, configuration) =>
            {
                if (string.IsNullOrEmpty(git.GitHubToken))
                {
                    git.GitHubToken = GitHubTokenSetting.Read(configuration);
                }
            }));

    /// <summary>
    /// The git mirror under the data directory, with its options, and the ports it answers: the revision graph
    /// superseding asks and the manifest source the pipeline reads.
    /// </summary>
    public static IServiceCollection AddGitMirror(this IServiceCollection services)
    {
        services.AddGitOptions().AddDataDirectory();
        services.AddSingleton<IGitMirror, GitMirror>();
        services.AddSingleton<IRevisionGraph, GitRevisionGraph>();
        services.AddSingleton<IManifestSource, GitManifestSource>();
        return services;
    }
}
