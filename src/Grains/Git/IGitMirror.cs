using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// A local mirror of each remote, fetched incrementally, read at exact revisions without a checkout. The
/// <see cref="RemoteRepository.Url"/> is what the payload names: it is rewritten and checked against policy first, and a
/// refused one throws <see cref="Failures.DeliveryRefusedException"/> (final); a failed or timed-out fetch throws
/// <see cref="Failures.TransientException"/> (retried). Over HTTPS, the credential for the repository and its
/// installation (<see cref="IFetchCredentials"/>) goes only where <see cref="CredentialPolicy"/> allows. A revision missing from the mirror is fetched by the <c>reference</c> it was pushed to
/// (<see cref="GitRef.None"/> when there is none), then by its id.
/// </summary>
public interface IGitMirror
{
    /// <summary>
    /// <paramref name="path"/> at <paramref name="revision"/>: its size, and its text when it is at most
    /// <paramref name="maxBytes"/>; null when that commit has no such file. Fetches first when the revision is not in
    /// the mirror yet.
    /// </summary>
    Task<SourceFile?> ReadFileAsync(RemoteRepository repository, GitRef reference, string revision, string path, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// The commit <paramref name="reference"/> (a branch, a tag, a pull request's ref) points at on the remote, after
    /// fetching that ref alone; an annotated tag is peeled to its commit. Null when the remote has no such ref, or for
    /// <see cref="GitRef.None"/>.
    /// </summary>
    Task<string?> ResolveRefAsync(RemoteRepository repository, GitRef reference, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="ancestor"/> is reachable from <paramref name="descendant"/>, each fetched first when the
    /// mirror lacks it. The mirror always holds the whole history behind what it has, so the answer is exact.
    /// </summary>
    Task<bool> IsAncestorAsync(RemoteRepository repository, GitRef reference, string ancestor, string descendant, CancellationToken cancellationToken);
}
