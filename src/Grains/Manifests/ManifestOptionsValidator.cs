using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>Refuses a manifest path outside the repository and limits that would refuse every manifest.</summary>
public sealed class ManifestOptionsValidator : IValidateOptions<ManifestOptions>
{
    public ValidateOptionsResult Validate(string? name, ManifestOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ManifestPath) || options.ManifestPath.StartsWith('/'))
        {
            errors.Add("Handler:ManifestPath must be a path inside the repository, e.g. .ci/workflow.yaml.");
        }

        if (options.MaxBytes <= 0 || options.MaxDepth <= 0 || options.MaxNodes <= 0 || options.MaxObjects <= 0)
        {
            errors.Add("Handler:Manifest:MaxBytes, MaxDepth, MaxNodes and MaxObjects must be positive (defaults 1048576, 64, 100000, 50): set them or leave them unset.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
