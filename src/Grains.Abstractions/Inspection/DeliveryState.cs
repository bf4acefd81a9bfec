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

    /// <summary>A pull request from an untrusted author: nothing runs until a trusted author comments <c>/ok-to-test</c>.</summary>
    AwaitingApproval,

    /// <summary>A comment whose command (<c>/ok-to-test</c>, <c>/retest</c>) approved or queued its pull request's head commit.</summary>
    Triggered,
}
