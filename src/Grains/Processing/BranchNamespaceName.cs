using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>The namespace a branch's objects go to when <c>Handler:BranchNamespaces:Template</c> is set.</summary>
public static class BranchNamespaceName
{
    /// <summary>
    /// The template with the branch put in, made a valid namespace name (DNS-1123 label, at most 63): lower-cased, runs
    /// of other characters made one '-'. It ends in a hash of the whole when it would be longer than 63, or when the
    /// branch has no letter or digit, which would leave the template's own name (perhaps <c>Handler:Namespace</c>).
    /// </summary>
    public static string For(string template, string branch)
    {
        var raw = template.Replace("{branch}", branch, StringComparison.Ordinal).ToLowerInvariant();
        var chars = raw.Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-').ToArray();
        var name = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return name.Length <= 63 && branch.Any(char.IsAsciiLetterOrDigit)
            ? name
            : name[..Math.Min(name.Length, 52)].TrimEnd('-') + "-" + LabelValues.Hash(raw, 10);
    }
}
