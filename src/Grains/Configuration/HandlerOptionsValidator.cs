using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>Refuses to start on settings that cannot work, saying what to set instead.</summary>
/// <param name="requireWebhookSecret">Where webhooks are received; a silo has no use for the secret.</param>
public sealed partial class HandlerOptionsValidator(bool requireWebhookSecret = true) : IValidateOptions<HandlerOptions>
{
    public ValidateOptionsResult Validate(string? name, HandlerOptions options)
    {
        var errors = new List<string>();
        if (requireWebhookSecret && options.WebhookSecrets.All(string.IsNullOrEmpty) && !options.Insecure)
        {
            errors.Add("No webhook secret is configured: set WEBHOOK_SECRET (or Handler__WebhookSecrets__0), or set Handler__Insecure=true to accept unsigned webhooks on purpose.");
        }

        if (!IsNamespaceName(options.Namespace))
        {
            errors.Add($"Handler:Namespace '{options.Namespace}' is not a namespace name: set it to lower-case letters, digits and '-' (at most 63, e.g. ci).");
        }

        foreach (var ns in options.AllowedNamespaces.Where(n => !IsNamespaceName(n)))
        {
            errors.Add($"Handler:AllowedNamespaces entry '{ns}' is not a namespace name: use lower-case letters, digits and '-' (at most 63).");
        }

        if (string.IsNullOrWhiteSpace(options.ManifestPath) || options.ManifestPath.StartsWith('/'))
        {
            errors.Add("Handler:ManifestPath must be a path inside the repository, e.g. .ci/workflow.yaml.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Handler:DataDirectory is empty: set it to a writable directory for state and git mirrors.");
        }

        foreach (var kind in options.AllowedKinds.Where(k => !k.Contains('/', StringComparison.Ordinal)))
        {
            errors.Add($"Handler:AllowedKinds entry '{kind}' must be group/Kind, e.g. argoproj.io/Workflow or v1/ConfigMap.");
        }

        CheckRegex(errors, "Handler:IgnoreRefs", options.IgnoreRefs);
        CheckRegex(errors, "Handler:Supersede:Refs", options.Supersede.Refs);
        if (options.Supersede.OtherKinds is not (SupersedeMode.None or SupersedeMode.Delete))
        {
            errors.Add("Handler:Supersede:OtherKinds must be None or Delete: only Argo Workflows can be stopped.");
        }

        if (options.BranchNamespaces.Enabled && !options.BranchNamespaces.Template!.Contains("{branch}", StringComparison.Ordinal))
        {
            errors.Add("Handler:BranchNamespaces:Template must contain {branch}, e.g. ci-{branch}.");
        }

        if (options.MaxBodyBytes <= 0 || options.MaxAttempts <= 0 || options.MaxRememberedDeliveries <= 0 || options.HistoryLimit <= 0 || options.MaxRefs <= 0)
        {
            errors.Add("Handler:MaxBodyBytes, MaxAttempts (when set), MaxRememberedDeliveries, HistoryLimit and MaxRefs must be positive.");
        }

        if (options.RetryFor <= TimeSpan.Zero)
        {
            errors.Add("Handler:RetryFor must be positive, e.g. 3.00:00:00 (d.hh:mm:ss) to keep retrying through GitHub's 3-day redelivery window.");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            errors.Add("Handler:RetryDelay must be positive and no more than Handler:MaxRetryDelay.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A DNS-1123 label, as Kubernetes requires of namespace names.</summary>
    private static bool IsNamespaceName(string? name) => name is { Length: > 0 and <= 63 } && NamespaceName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamespaceName();

    private static void CheckRegex(List<string> errors, string setting, string? pattern)
    {
        if (pattern is not { Length: > 0 })
        {
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            errors.Add($"{setting} is not a valid regular expression: {e.Message}");
        }
    }
}
