using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Telemetry;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>What the grain tells <see cref="HandlerMetrics"/>: its inbox's load, and each delivery's end.</summary>
public sealed partial class RepositoryGrain
{
    private InboxLoad? _load;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _load?.Dispose();
        _load = null;
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Starts publishing this activation's inbox load, as read from the journal.</summary>
    private void TrackLoad()
    {
        _load ??= metrics.Inboxes.Track();
        PublishLoad();
    }

    /// <summary>Every change goes to the journal; the inbox's load is published afresh after it.</summary>
    private void Changed(RepositoryChange change)
    {
        Journal.Changed(change);
        PublishLoad();
    }

    private void PublishLoad()
    {
        var waiting = Journal.State.Inbox;
        _load?.Publish(waiting.Count, waiting.Count == 0 ? null : waiting.Min(p => p.Since));
    }

    /// <summary>A pending delivery reached its final <paramref name="outcome"/>; applied objects close its latency.</summary>
    private void Finished(PendingDelivery attempted, DeliveryRecord outcome)
    {
        var kind = attempted.Event.Kind;
        metrics.DeliveryFinished(kind, outcome.State);
        if (outcome.State == DeliveryState.Applied && outcome.Objects.Count > 0)
        {
            metrics.ObjectsApplied(kind, time.GetUtcNow() - attempted.Since);
        }
    }
}
