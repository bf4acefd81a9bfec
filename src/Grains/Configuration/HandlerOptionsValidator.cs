using System.Text.RegularExpressions;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Superseding;
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
        else if (options.BranchNamespaces.Enabled && !options.BranchNamespaces.Template!.Replace("{branch}", "", StringComparison.Ordinal).Any(char.IsAsciiLetterOrDigit))
        {
            // With {branch} alone, a branch named kube-system would be applied into kube-system.
            errors.Add("Handler:BranchNamespaces:Template needs letters or digits of its own around {branch}, e.g. ci-{branch}, so that no branch name is a namespace by itself.");
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

        ValidateGit(errors, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A DNS-1123 label, as Kubernetes requires of namespace names.</summary>
    private static bool IsNamespaceName(string? name) => name is { Length: > 0 and <= 63 } && NamespaceName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamespaceName();

    private static void ValidateGit(List<string> errors, HandlerOptions options)
    {
        foreach (var (setting, value) in RemotePolicy.AllowedRemoteSettings(options))
        {
            if (!RemoteUrl.TryParse(value, out _, out var problem))
            {
                errors.Add($"{setting} '{RemoteUrl.Redact(value)}' {problem}. Allowed remotes are URL prefixes such as https://github.com/ or git://git.example.com:9418/: set Handler:Git:AllowedRemotes:0, :1 and so on.");
            }
        }

        if (options.CloneUrl == CloneUrlSource.SshUrl && options.CloneUrlRewrites.Count == 0)
        {
            errors.Add("Handler:CloneUrl=SshUrl needs ssh, which is not supported (libgit2 would start an external ssh program): set Handler:CloneUrl=CloneUrl (https), or add a Handler:CloneUrlRewrites entry from git@host: to an https:// URL.");
        }

        var git = options.Git;
        foreach (var (host, i) in git.CredentialHosts.Select((h, i) => (h, i)))
        {
            if (!CredentialPolicy.HostEntry.TryParse(host, out _))
            {
                errors.Add($"Handler:Git:CredentialHosts:{i} '{RemoteUrl.Redact(host)}' must be a host name, optionally with :port, e.g. ghe.example.com.");
            }
        }

        if (git.AllowInsecureCredentials && git.CredentialHosts.Count == 0)
        {
            errors.Add("Handler:Git:AllowInsecureCredentials applies to Handler:Git:CredentialHosts only: list the hosts that may receive the token over http, or unset it.");
        }

        if (git.FetchTimeout <= TimeSpan.Zero || git.FetchTimeout > TimeSpan.FromDays(1) || git.ConnectTimeout <= TimeSpan.Zero || git.ConnectTimeout > git.FetchTimeout)
        {
            errors.Add("Handler:Git:FetchTimeout must be positive and at most a day (default 00:05:00), and Handler:Git:ConnectTimeout positive and no more than it (default 00:00:30).");
        }

        if (git.MaxFetchBytes <= 0)
        {
            errors.Add("Handler:Git:MaxFetchBytes must be positive (default 1073741824, 1 GiB).");
        }
    }

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
