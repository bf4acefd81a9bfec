using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Configuration;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>Which of the payload's repository URLs the mirror is asked to fetch.</summary>
public static class PayloadRemote
{
    /// <summary>
    /// The payload URL chosen by <see cref="HandlerOptions.CloneUrl"/>; the mirror rewrites it and checks it against
    /// <see cref="RemotePolicy"/> before anything is fetched.
    /// </summary>
    public static string Of(WebhookEvent e, HandlerOptions options) => options.CloneUrl switch
    {
        CloneUrlSource.GitUrl => e.Repository.GitUrl,
        CloneUrlSource.SshUrl => e.Repository.SshUrl,
        _ => e.Repository.CloneUrl,
    };
}
