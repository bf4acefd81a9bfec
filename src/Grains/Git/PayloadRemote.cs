using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>Which of the payload's repository URLs the mirror is asked to fetch.</summary>
public static class PayloadRemote
{
    /// <summary>
    /// The payload URL chosen by <see cref="GitOptions.CloneUrl"/>; the mirror rewrites it and checks it against
    /// <see cref="RemotePolicy"/> before anything is fetched.
    /// </summary>
    public static string Of(WebhookEvent e, GitOptions options) => options.CloneUrl switch
    {
        CloneUrlSource.GitUrl => e.Repository.GitUrl,
        CloneUrlSource.SshUrl => e.Repository.SshUrl,
        _ => e.Repository.CloneUrl,
    };
}
