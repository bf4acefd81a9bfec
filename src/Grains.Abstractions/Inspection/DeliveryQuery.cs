using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>
/// Which of a repository's kept deliveries to list, newest first: those matching every filter given, after
/// <see cref="After"/> (the last one of the previous page), at most <see cref="Limit"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("delivery-query")]
public sealed record DeliveryQuery(
    [property: Id(0)] DeliveryState? State,
    [property: Id(1)] GitRef? Ref,
    [property: Id(2)] EventType? Event,
    [property: Id(3)] DeliveryCursor? After,
    [property: Id(4)] int Limit)
{
    /// <summary>Whether the record passes the state, ref and event filters.</summary>
    public bool Matches(DeliveryRecord record) =>
        (State is not { } state || record.State == state)
        && (Ref is not { } gitRef || record.Ref == gitRef)
        && (Event is not { } type || record.EventType == type);
}

/// <summary>
/// Where a page of deliveries ended: its last delivery, and when that arrived, so that the next page still starts in
/// the right place when that record is no longer kept.
/// </summary>
[GenerateSerializer, Immutable, Alias("delivery-cursor")]
public sealed record DeliveryCursor(
    [property: Id(0)] DeliveryId Delivery,
    [property: Id(1)] DateTimeOffset ReceivedAt);
