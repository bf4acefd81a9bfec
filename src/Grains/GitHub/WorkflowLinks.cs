using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>Reports' links from <c>Handler:GitHub:WorkflowUrl</c> (validated at start); none when it is unset.</summary>
public sealed class WorkflowLinks(IOptions<GitHubOptions> options) : IWorkflowLinks
{
    private readonly WorkflowLink? _link =
        options.Value.WorkflowUrl is { Length: > 0 } template && WorkflowLink.TryCreate(template, out var link, out _) ? link : null;

    public string? For(AppliedObject workflow) => _link?.For(workflow.Namespace ?? "", workflow.Name);
}
