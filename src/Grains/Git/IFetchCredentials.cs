using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// Where the mirror's HTTPS credentials come from: the credential for one delivery's repository (and the GitHub App
/// installation its event came through), and word back when a git server refused one. Which remote may receive it is
/// not this port's decision: <see cref="CredentialPolicy"/> decides that, on every URL libgit2 asks with.
/// </summary>
public interface IFetchCredentials
{
    /// <summary>
    /// The git host whose credentials these are (<c>github.com</c>, or a GitHub Enterprise Server's <c>host[:port]</c>):
    /// HTTPS remotes on it receive them without being listed in <c>Handler:Git:CredentialHosts</c>. Null when there is
    /// none.
    /// </summary>
    string? GitHost { get; }

    /// <summary>
    /// The credential for fetching <paramref name="repository"/> for an event of <paramref name="installation"/> (null for
    /// a repository webhook); null when there is none to send. Throws <see cref="Failures.TransientException"/> when it
    /// cannot be had now, <see cref="Failures.DeliveryRefusedException"/> when it cannot be had for this event.
    /// </summary>
    ValueTask<FetchCredential?> ForRepositoryAsync(RepositoryKey repository, long? installation, CancellationToken cancellationToken);

    /// <summary>
    /// A git server refused <paramref name="credential"/> (answered 401 to it): true when a new one may be had (it was a
    /// short-lived token, now forgotten), so that one more fetch is worth making; false for a credential that stays as it is.
    /// </summary>
    bool Refused(FetchCredential credential);
}

/// <summary>
/// A credential a fetch sends as HTTP basic authentication, <c>x-access-token:TOKEN</c> (as GitHub takes a token). Its
/// text form describes it without the token.
/// </summary>
/// <param name="token">The secret itself.</param>
/// <param name="description">What it is, for messages and logs, e.g. "the token of installation 7 for owner/app".</param>
public class FetchCredential(string token, string description)
{
    /// <summary>The user name GitHub expects with a token.</summary>
    public const string UserName = "x-access-token";

    /// <summary>The secret itself.</summary>
    public string Token { get; } = token;

    public override string ToString() => description;
}

/// <summary>No credentials: every fetch is anonymous. What the mirror uses when nothing else is registered.</summary>
public sealed class NoFetchCredentials : IFetchCredentials
{
    public string? GitHost => null;

    public ValueTask<FetchCredential?> ForRepositoryAsync(RepositoryKey repository, long? installation, CancellationToken cancellationToken) =>
        ValueTask.FromResult<FetchCredential?>(null);

    public bool Refused(FetchCredential credential) => false;
}
