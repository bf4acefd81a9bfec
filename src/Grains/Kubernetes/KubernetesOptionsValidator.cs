using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>Refuses namespaces, kinds and branch-namespace templates that cannot work or would be unsafe, saying what to set.</summary>
public sealed partial class KubernetesOptionsValidator : IValidateOptions<KubernetesOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesOptions options)
    {
        var errors = new List<string>();
        if (!IsNamespaceName(options.Namespace))
        {
            errors.Add($"Handler:Namespace '{options.Namespace}' is not a namespace name: set it to lower-case letters, digits and '-' (at most 63, e.g. ci).");
        }

        foreach (var ns in options.AllowedNamespaces.Where(n => !IsNamespaceName(n)))
        {
            errors.Add($"Handler:AllowedNamespaces entry '{ns}' is not a namespace name: use lower-case letters, digits and '-' (at most 63).");
        }

        foreach (var kind in options.AllowedKinds.Where(k => !k.Contains('/', StringComparison.Ordinal)))
        {
            errors.Add($"Handler:AllowedKinds entry '{kind}' must be group/Kind, e.g. argoproj.io/Workflow or v1/ConfigMap.");
        }

        if (BranchNamespaceProblem(options.BranchNamespaces) is { } branchNamespaces)
        {
            errors.Add(branchNamespaces);
        }

        if (options.KubernetesRequestTimeout <= TimeSpan.Zero)
        {
            errors.Add("Handler:KubernetesRequestTimeout must be positive, e.g. 00:00:10 (the default).");
        }

        if (string.IsNullOrWhiteSpace(options.FieldManager))
        {
            errors.Add("Handler:FieldManager is empty: server-side apply needs a field manager; set it, or leave it unset for k8s-webhook-handler.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? BranchNamespaceProblem(BranchNamespaceOptions options)
    {
        if (!options.Enabled)
        {
            return string.IsNullOrWhiteSpace(options.Objects)
                ? null
                : "Handler:BranchNamespaces:Objects is set but Handler:BranchNamespaces:Template is not: set the template (e.g. ci-{branch}) or remove the objects.";
        }

        if (BranchNamespaceObjects.Problem(options.Objects) is { } objects)
        {
            return objects;
        }

        if (!options.Template!.Contains("{branch}", StringComparison.Ordinal))
        {
            return "Handler:BranchNamespaces:Template must contain {branch}, e.g. ci-{branch}.";
        }

        // With {branch} alone, a branch named kube-system would be applied into kube-system.
        return options.Template.Replace("{branch}", "", StringComparison.Ordinal).Any(char.IsAsciiLetterOrDigit)
            ? null
            : "Handler:BranchNamespaces:Template needs letters or digits of its own around {branch}, e.g. ci-{branch}, so that no branch name is a namespace by itself.";
    }

    /// <summary>A DNS-1123 label, as Kubernetes requires of namespace names.</summary>
    private static bool IsNamespaceName(string? name) => name is { Length: > 0 and <= 63 } && NamespaceName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamespaceName();
}
