using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8sWebhookHandler.Grains.Git;

public static class GitServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="GitOptions"/> (<c>Handler:CloneUrl</c>, <c>CloneUrlRewrites</c>, <c>Handler:Git:*</c>).
    /// </summary>
    public static IServiceCollection AddGitOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<GitOptions, GitOptionsValidator>(GitOptions.Section);

    /// <summary>
    /// The git mirror under the data directory, with its options, and the ports it answers: the revision graph
    /// superseding asks and the manifest source the pipeline reads. Its fetches are anonymous unless an
    /// <see cref="IFetchCredentials"/> is registered (the composition root registers GitHub's).
    /// </summary>
    public static IServiceCollection AddGitMirror(this IServiceCollection services)
    {
        services.AddGitOptions().AddDataDirectory().AddHandlerMetrics();
        services.TryAddSingleton<IFetchCredentials, NoFetchCredentials>();
        services.AddSingleton<IGitMirror, GitMirror>();
        services.AddSingleton<IRevisionGraph, GitRevisionGraph>();
        services.AddSingleton<IManifestSource, GitManifestSource>();
        return services;
    }
}
