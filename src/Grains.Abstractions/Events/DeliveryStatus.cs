namespace K8sWebhookHandler.Abstractions.Events;

/// <summary>What the repository grain answered when a delivery was handed to it.</summary>
public enum DeliveryStatus
{
    /// <summary>Durably recorded; it will be processed.</summary>
    Queued,

    /// <summary>This delivery id was seen before: nothing happens again.</summary>
    Duplicate,

    /// <summary>Recorded, but an event the handler does not act on.</summary>
    Ignored,

    /// <summary>Recorded; it runs once a trusted author approves it (a pull request from an untrusted author).</summary>
    AwaitingApproval,
}
