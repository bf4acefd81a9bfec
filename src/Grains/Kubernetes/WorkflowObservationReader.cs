using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Turns a Workflow as the API server shows it into a <see cref="WorkflowObservation"/>. Its labels, annotations and
/// status are anyone's to write who may edit Workflows, so everything is checked: an object that is not the
/// handler's, names no valid repository or has a phase Argo does not define is skipped, with the reason.
/// </summary>
public static class WorkflowObservationReader
{
    /// <summary>The longest <c>status.message</c> passed on; a longer one is cut (Argo's can hold a whole stack trace).</summary>
    public const int MaxMessageLength = 1024;

    private static readonly Dictionary<string, WorkflowPhase> Phases = Enum.GetValues<WorkflowPhase>().ToDictionary(p => p.ToString(), StringComparer.Ordinal);

    /// <summary>The observation, or null and why the object is skipped.</summary>
    /// <param name="resource">The Workflow kind as discovery resolved it: the observation's apiVersion and kind.</param>
    /// <param name="item">The object, from a list or a watch event.</param>
    public static (WorkflowObservation? Observation, string? Skipped) Read(ResourceKind resource, JsonObject item)
    {
        var metadata = Field(item, "metadata");
        var name = ManifestFields.StringOrNull(Field(metadata, "name"));
        var ns = ManifestFields.StringOrNull(Field(metadata, "namespace"));
        var version = ManifestFields.StringOrNull(Field(metadata, "resourceVersion"));
        if (name is null || version is null || (resource.Namespaced && ns is null))
        {
            return (null, "it has no name, namespace or resourceVersion");
        }

        if (ManifestFields.StringOrNull(Field(Field(metadata, "labels"), StampKeys.ManagedByLabel)) != StampKeys.ManagedByValue)
        {
            return (null, $"it is not labelled {HandlerLabels.ManagedSelector}");
        }

        if (!RepositoryKey.TryParse(ManifestFields.StringOrNull(Field(Field(metadata, "annotations"), StampKeys.RepoName)), out var repository))
        {
            return (null, $"its {StampKeys.RepoName} annotation is not a repository name");
        }

        if (PhaseOf(item["status"]) is not { } phase)
        {
            return (null, "its status.phase is not one Argo Workflows defines");
        }

        var apiVersion = $"{resource.Group}/{resource.Version}";
        var message = Capped(ManifestFields.StringOrNull(Field(Field(item, "status"), "message")));
        return (new WorkflowObservation(repository, new AppliedObject(apiVersion, resource.Kind, ns, name), phase, message, version), null);
    }

    /// <summary>
    /// No status or phase yet (absent, null or empty) is <see cref="WorkflowPhase.Pending"/>; a phase must be a defined
    /// name, in a status that is a mapping.
    /// </summary>
    private static WorkflowPhase? PhaseOf(JsonNode? status) => status switch
    {
        null => WorkflowPhase.Pending,
        JsonObject { } map when map["phase"] is null => WorkflowPhase.Pending,
        JsonObject { } map => ManifestFields.StringOrNull(map["phase"]) switch
        {
            null => null,
            "" => WorkflowPhase.Pending,
            var text => Phases.TryGetValue(text, out var phase) ? phase : null,
        },
        _ => null,
    };

    /// <summary>A field of a mapping; null when absent or when the parent is not a mapping (a hostile <c>labels: []</c>).</summary>
    private static JsonNode? Field(JsonNode? parent, string name) => (parent as JsonObject)?[name];

    private static string? Capped(string? message)
    {
        if (message is null || message.Length <= MaxMessageLength)
        {
            return message;
        }

        // Not between the halves of a surrogate pair, which would leave a string no encoder accepts.
        var cut = char.IsHighSurrogate(message[MaxMessageLength - 1]) ? MaxMessageLength - 1 : MaxMessageLength;
        return message[..cut];
    }
}
