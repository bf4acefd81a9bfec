namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>Where a delivery is: waiting, or one of the final outcomes.</summary>
public enum DeliveryState
{
    Queued,
    Applied,
    NoManifest,
    IgnoredRef,
    Ignored,
    Rejected,
    Failed,
    Superseded,
    Stale,
}
