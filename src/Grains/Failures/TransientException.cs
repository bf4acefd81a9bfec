namespace K8sWebhookHandler.Grains.Failures;

/// <summary>
/// A failure that may pass (a git server, the Kubernetes API or GitHub unreachable, overloaded, slow or rate
/// limiting): the work is retried with backoff. The one transient type: git, the Kubernetes adapter and the GitHub
/// adapters all throw it.
/// </summary>
public sealed class TransientException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// The earliest time a retry may succeed, when the other side said (a rate limit's reset or <c>retry-after</c>);
    /// null when it did not, and the caller's backoff decides.
    /// </summary>
    public DateTimeOffset? NotBefore { get; init; }
}
