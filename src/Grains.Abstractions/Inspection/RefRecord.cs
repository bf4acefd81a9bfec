using K8sWebhookHandler.Grains.Identity;

namespace K8sWebhookHandler.Grains.Inspection;

/// <summary>What the handler last did for one ref.</summary>
[GenerateSerializer, Immutable, Alias("ref-record")]
public sealed record RefRecord(
    [property: Id(0)] string Ref,
    [property: Id(1)] string LastRevision,
    [property: Id(2)] DeliveryId LastDelivery,
    [property: Id(3)] IReadOnlyList<AppliedObject> Objects,
    [property: Id(4)] DateTimeOffset UpdatedAt);
