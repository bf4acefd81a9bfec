namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// Lets the <c>Authorization</c> header reach only the configured API's origin (scheme, host and port). Octokit follows
/// redirects itself and drops the header only when the host changes; a redirect to another port or scheme of the same
/// host would keep it. Every hop of a redirect passes here.
/// </summary>
public sealed class ApiOriginHandler(Uri apiUrl) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } target
            || Uri.Compare(target, apiUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            request.Headers.Authorization = null;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
