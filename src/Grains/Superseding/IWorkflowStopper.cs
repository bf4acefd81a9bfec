using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>
/// Stops a ref's older work once a newer revision is applied: the narrow port superseding needs from where workflows
/// run. Implemented by the Kubernetes adapter (Argo <c>spec.shutdown</c>, or delete) and by the dry-run folder (which
/// only logs). A refusal throws <see cref="Failures.DeliveryRefusedException"/>, a failure that may pass
/// <see cref="Failures.TransientException"/>.
/// </summary>
public interface IWorkflowStopper
{
    /// <summary>
    /// Stops (Argo) or deletes the handler's older objects for the event's ref, found by their labels among the kinds
    /// and namespaces of <paramref name="keep"/> and <paramref name="previous"/>; the objects in <paramref name="keep"/>
    /// are never touched. Returns what was stopped or deleted.
    /// </summary>
    /// <param name="webhookEvent">The delivery whose ref's older work is stopped.</param>
    /// <param name="keep">What the delivery just applied.</param>
    /// <param name="previous">What was applied for the ref before.</param>
    /// <param name="policy">How each kind is stopped.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    Task<IReadOnlyList<AppliedObject>> StopOlderAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep,
        IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken);
}
