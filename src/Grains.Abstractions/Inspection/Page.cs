namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>
/// One page of a list the inspection API answers: its items, and the opaque cursor that asks for the next page
/// (<c>cursor=</c>), null on the last page.
/// </summary>
[GenerateSerializer, Immutable, Alias("page`1")]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] string? Next);
