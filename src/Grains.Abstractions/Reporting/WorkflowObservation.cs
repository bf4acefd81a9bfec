using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Abstractions.Reporting;

/// <summary>An Argo Workflow's <c>status.phase</c>; a Workflow without one yet is <see cref="Pending"/>.</summary>
public enum WorkflowPhase
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Error,
}

/// <summary>
/// What the watch saw of one of the handler's Workflows: its phase and <c>status.message</c> at
/// <paramref name="ResourceVersion"/>. <paramref name="Repository"/> comes from the object's <c>repo_name</c>
/// annotation; the repository grain reports it only for an object it applied itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("workflow-observation")]
public sealed record WorkflowObservation(
    [property: Id(0)] RepositoryKey Repository,
    [property: Id(1)] AppliedObject Object,
    [property: Id(2)] WorkflowPhase Phase,
    [property: Id(3)] string? Message,
    [property: Id(4)] string ResourceVersion);
