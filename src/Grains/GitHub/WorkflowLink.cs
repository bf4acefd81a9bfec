using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// The link to a workflow that a status or check run carries, from <c>Handler:GitHub:WorkflowUrl</c>: the template with
/// <c>{namespace}</c> and <c>{name}</c> replaced by the object's, each escaped as a URL path segment.
/// </summary>
public sealed partial class WorkflowLink
{
    private readonly string _template;

    private WorkflowLink(string template) => _template = template;

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();

    /// <summary>A template whose only placeholders are <c>{namespace}</c> and <c>{name}</c> and that makes an absolute http(s) URL.</summary>
    public static bool TryCreate(string template, [NotNullWhen(true)] out WorkflowLink? link, [NotNullWhen(false)] out string? problem)
    {
        (link, problem) = (null, null);
        var unknown = Placeholder().Matches(template).Select(m => m.Value).FirstOrDefault(p => p is not ("{namespace}" or "{name}"));
        var candidate = new WorkflowLink(template);
        if (unknown is not null)
        {
            problem = $"has the placeholder {unknown}; only {{namespace}} and {{name}} are replaced";
        }
        else if (!Uri.TryCreate(candidate.For("namespace", "name"), UriKind.Absolute, out var sample) || sample.Scheme is not ("https" or "http"))
        {
            problem = "must make an absolute https:// or http:// URL";
        }
        else
        {
            link = candidate;
        }

        return link is not null;
    }

    /// <summary>The link to the object <paramref name="name"/> in <paramref name="ns"/>.</summary>
    public string For(string ns, string name) =>
        _template.Replace("{namespace}", Uri.EscapeDataString(ns), StringComparison.Ordinal).Replace("{name}", Uri.EscapeDataString(name), StringComparison.Ordinal);
}
