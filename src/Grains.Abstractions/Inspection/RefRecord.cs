using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>What the handler last did for one ref.</summary>
[GenerateSerializer, Immutable, Alias("ref-record")]
public sealed record RefRecord(
    [property: Id(0)] GitRef Ref,
    [property: Id(1)] string LastRevision,
    [property: Id(2)] DeliveryId LastDelivery,
    [property: Id(3)] IReadOnlyList<AppliedObject> Objects,
    [property: Id(4)] DateTimeOffset UpdatedAt);
