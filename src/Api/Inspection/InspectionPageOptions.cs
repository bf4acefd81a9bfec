namespace K8sWebhookHandler.Api.Inspection;

/// <summary>
/// What the inspection page at the management port's root needs to know. Keys under <c>Handler:Management</c>;
/// validated by <see cref="InspectionPageOptionsValidator"/>.
/// </summary>
public sealed class InspectionPageOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler:Management";

    /// <summary>
    /// <c>Handler:Management:WorkflowUrl</c>: where the page links each applied Workflow, a template with
    /// <c>{namespace}</c> and <c>{name}</c> (each escaped as a URL path segment), e.g.
    /// <c>https://argo.example.com/workflows/{namespace}/{name}</c>. Unset, it is <c>Handler:GitHub:WorkflowUrl</c>,
    /// the link GitHub's statuses carry; with neither, the page shows no links.
    /// </summary>
    public string? WorkflowUrl { get; set; }
}
