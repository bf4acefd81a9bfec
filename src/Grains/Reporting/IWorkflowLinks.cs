using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Reporting;

/// <summary>The link a report about a Workflow carries (<c>target_url</c>, <c>details_url</c>).</summary>
public interface IWorkflowLinks
{
    /// <summary>The link to <paramref name="workflow"/>, or null when none is configured.</summary>
    string? For(AppliedObject workflow);
}
