using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>The work behind one delivery: read the manifest at the revision, stamp it, apply it.</summary>
public interface IDeliveryProcessor
{
    /// <param name="webhookEvent">The delivery.</param>
    /// <param name="previous">What was last applied for its ref, whose objects may have to be stopped.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task<ProcessingResult> ProcessAsync(WebhookEvent webhookEvent, RefRecord? previous, CancellationToken cancellationToken);
}
