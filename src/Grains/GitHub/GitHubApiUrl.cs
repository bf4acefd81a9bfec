using System.Diagnostics.CodeAnalysis;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>The REST API's base address: an absolute http(s) URL with no credentials, query or fragment, ending in '/'.</summary>
public static class GitHubApiUrl
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? url, [NotNullWhen(false)] out string? problem)
    {
        (url, problem) = (null, null);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http"))
        {
            problem = "must be an absolute https:// (or, for a test server, http://) URL";
        }
        else if (parsed.UserInfo.Length > 0 || parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            problem = "must carry no credentials, query or fragment";
        }
        else
        {
            url = new Uri(parsed.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        }

        return url is not null;
    }

    /// <summary>
    /// The host git fetches from on the GitHub whose API <paramref name="apiUrl"/> (parsed by <see cref="TryParse"/>) is:
    /// <c>github.com</c> for <c>https://api.github.com/</c>, <c>HOST</c> (with its port, when one is given) for GitHub
    /// Enterprise Server's <c>https://HOST/api/v3/</c>; null for any other URL (a test server), which names no git host.
    /// </summary>
    public static string? GitHost(Uri apiUrl) => apiUrl.AbsolutePath switch
    {
        "/" when apiUrl.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase) && apiUrl.IsDefaultPort => "github.com",
        var path when path.Equals("/api/v3/", StringComparison.OrdinalIgnoreCase) => apiUrl.IsDefaultPort ? apiUrl.Host : apiUrl.Authority,
        _ => null,
    };
}
