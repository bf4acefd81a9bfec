using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>Refuses to receive webhooks without a secret (unless insecure mode is asked for by name) or without room for a body.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var errors = new List<string>();
        if (options.WebhookSecrets.All(string.IsNullOrEmpty) && !options.Insecure)
        {
            errors.Add("No webhook secret is configured: set WEBHOOK_SECRET (or Handler__WebhookSecrets__0), or set Handler__Insecure=true to accept unsigned webhooks on purpose.");
        }

        if (options.MaxBodyBytes <= 0)
        {
            errors.Add("Handler:MaxBodyBytes must be positive: set it to the largest body to accept, in bytes (default 26214400, GitHub's 25 MB).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
