using K8sWebhookHandler.Grains.GitHub;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Inspection;

/// <summary>Refuses a workflow link template the page could not fill in, saying what to set.</summary>
public sealed class InspectionPageOptionsValidator : IValidateOptions<InspectionPageOptions>
{
    public ValidateOptionsResult Validate(string? name, InspectionPageOptions options) =>
        options.WorkflowUrl is { Length: > 0 } template && !WorkflowLink.TryCreate(template, out _, out var problem)
            ? ValidateOptionsResult.Fail(
                $"Handler:Management:WorkflowUrl (or Handler:GitHub:WorkflowUrl, its default) {problem}: " +
                "set a template such as https://argo.example.com/workflows/{namespace}/{name}.")
            : ValidateOptionsResult.Success;
}
