namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>An object the handler created or applied.</summary>
[GenerateSerializer, Immutable, Alias("applied-object")]
public sealed record AppliedObject(
    [property: Id(0)] string ApiVersion,
    [property: Id(1)] string Kind,
    [property: Id(2)] string? Namespace,
    [property: Id(3)] string Name);
