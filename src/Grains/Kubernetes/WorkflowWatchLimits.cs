namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>The bounds of <see cref="WorkflowWatch"/>; the defaults suit any cluster, tests make them smaller.</summary>
public sealed record WorkflowWatchLimits
{
    /// <summary>
    /// Workflows per list page (<c>limit</c>, then <c>continue</c>). Default 100: a Workflow's status can be large, and a
    /// page must arrive within <c>Handler:KubernetesRequestTimeout</c>.
    /// </summary>
    public int PageSize { get; init; } = 100;

    /// <summary>The watch's <c>timeoutSeconds</c>: the API server ends the stream after it and the watch resumes. Default 5 minutes.</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How much longer than <see cref="ServerTimeout"/> a stream is read before it counts as dropped. Default 30 s.</summary>
    public TimeSpan ReadMargin { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest watch event read; a longer one is skipped with a warning. Default 4 MiB: more than any object the API
    /// server can store (etcd takes at most 1.5 MiB), so only a broken or hostile answer reaches it.
    /// </summary>
    public int MaxLineBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// How many watch streams in a row may end early (before half of <see cref="ServerTimeout"/>) without a single event
    /// before the watch gives up with a <see cref="Failures.TransientException"/>, so that a server or proxy that closes
    /// every stream at once is retried with the caller's backoff, not in a tight loop. Default 3.
    /// </summary>
    public int EmptyStreamsBeforeFailure { get; init; } = 3;
}
