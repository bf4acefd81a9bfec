using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>A Workflow the delivery made, with the context its phase is reported under.</summary>
public sealed record ReportedObject(AppliedObject Object, string Context);

/// <summary>
/// The context under which GitHub shows an object's phase: the manifest's <c>k8s-webhook-handler.io/status-context</c>
/// annotation, else <c>k8s-webhook-handler/</c> and the object's name (its <c>generateName</c> without the trailing
/// dash, so that every run of one manifest object shares a context). Only Argo Workflows are reported: they are what
/// has a phase.
/// </summary>
public static class StatusContext
{
    /// <summary>The annotation by which a manifest names an object's context.</summary>
    public const string Annotation = StampKeys.Prefix + "status-context";

    /// <summary>The prefix of the contexts the handler makes, and the context of a delivery's own outcome.</summary>
    public const string Default = "k8s-webhook-handler";

    /// <summary>GitHub keeps a context of any length; a check run's name is cut. Longer than this is refused.</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// The object's context, or null when it is not a Workflow. A context that is empty, longer than
    /// <see cref="MaxLength"/> or has control characters is refused: the manifest asks for what GitHub cannot show.
    /// </summary>
    public static string? For(ResourceKind resource, JsonObject metadata, string name)
    {
        if (resource is not { Group: "argoproj.io", Kind: "Workflow" })
        {
            return null;
        }

        if (metadata["annotations"]?[Annotation] is JsonValue value && value.TryGetValue<string>(out var asked))
        {
            return asked.Length is > 0 and <= MaxLength && !asked.Any(char.IsControl) && asked.Trim().Length == asked.Length
                ? asked
                : throw new DeliveryRefusedException(
                    $"Workflow {name}: {Annotation} must be 1 to {MaxLength} characters without control characters or surrounding spaces");
        }

        var generated = metadata["generateName"] is JsonValue g && g.TryGetValue<string>(out var prefix) && prefix.Length > 0 ? prefix.TrimEnd('-') : null;
        return $"{Default}/{(generated is { Length: > 0 } ? generated : name)}";
    }
}
