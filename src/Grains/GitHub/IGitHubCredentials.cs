using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// The credentials the handler uses with GitHub, for the API and for HTTPS fetches: the configured token, or a GitHub
/// App's installation token for the installation a webhook event names (its <c>installation.id</c>), scoped to the one
/// repository the event is for: a signed payload may name any installation of the App, so no token reaches further
/// than the delivery's repository. Installation tokens are cached per installation and repository, renewed before they
/// expire, and renewed once when GitHub refuses one.
/// </summary>
public interface IGitHubCredentials
{
    /// <summary>
    /// The credential for an event of <paramref name="installation"/> (the payload's <c>installation.id</c>; null for a
    /// repository webhook) about <paramref name="repository"/>: an installation token is asked for that repository only
    /// (GitHub answers 422 when the installation does not cover it: refused). Throws <see cref="Failures.TransientException"/> when GitHub cannot be reached or does not
    /// answer in time, and <see cref="Failures.DeliveryRefusedException"/> when no credential can be had: no token or
    /// App configured, an App but an event without an installation, or GitHub refusing the App or the installation.
    /// </summary>
    ValueTask<GitHubCredential> ForInstallationAsync(long? installation, RepositoryKey repository, CancellationToken cancellationToken);

    /// <summary>
    /// GitHub answered 401 to <paramref name="rejected"/>: forgets it, so that the next
    /// <see cref="ForInstallationAsync"/> asks for a new installation token. Callers that were refused the same token
    /// share one renewal. False when there is nothing to renew (a configured token): retrying would not help.
    /// </summary>
    bool Invalidate(GitHubCredential rejected);
}
