using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.PullRequests;

public static class PullRequestServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="PullRequestOptions"/> (<c>Handler:PullRequests:*</c>).</summary>
    public static IServiceCollection AddPullRequestOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<PullRequestOptions, PullRequestOptionsValidator>(PullRequestOptions.Section);
}
