using K8sWebhookHandler.Abstractions.Reporting;

namespace K8sWebhookHandler.Grains.Reporting;

/// <summary>Receives what <see cref="IWorkflowWatch"/> sees.</summary>
public interface IWorkflowObserver
{
    /// <summary>One Workflow as listed or as a watch event showed it; the same phase may come more than once.</summary>
    Task ObserveAsync(WorkflowObservation observation, CancellationToken cancellationToken);
}

/// <summary>
/// Watches the handler's own Workflows (those with its <c>app.kubernetes.io/managed-by</c> label) for their phase.
/// </summary>
public interface IWorkflowWatch
{
    /// <summary>
    /// Lists the Workflows and passes each to <paramref name="observer"/> (catching up on what changed while nothing
    /// watched), then watches from the list's resourceVersion and passes every change; after a dropped connection or
    /// a server timeout it resumes from the last version seen, and on <c>410 Gone</c> it lists again. Returns only
    /// when <paramref name="cancellationToken"/> is cancelled; throws <see cref="Failures.TransientException"/> when the
    /// API server cannot be reached, and the caller starts it again with backoff.
    /// </summary>
    Task WatchAsync(IWorkflowObserver observer, CancellationToken cancellationToken);
}
