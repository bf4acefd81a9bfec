using System.Net;
using System.Security.Cryptography;
using K8sWebhookHandler.Grains.Failures;
using Octokit;
using Octokit.Internal;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// Asks GitHub for an installation token (<c>POST {ApiUrl}/app/installations/{id}/access_tokens</c>) as the App, with a
/// JWT made for each request, through Octokit. The API URL is used as configured (Octokit's own client would add
/// <c>/api/v3/</c> for any host but api.github.com); the JWT goes to that origin only (<see cref="ApiOriginHandler"/>:
/// Octokit itself drops the <c>Authorization</c> header on a redirect to another host, not to another port). Every
/// request has the <c>Handler:GitHub:RequestTimeout</c> deadline. No message names the JWT or key.
/// </summary>
public sealed class InstallationTokenClient : IDisposable
{
    private static readonly ProductHeaderValue Product = new("k8s-webhook-handler");

    private readonly HttpClientAdapter _http;
    private readonly Uri _apiUrl;
    private readonly long _appId;
    private readonly RSA _key;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>A client for the App <paramref name="appId"/> with its private <paramref name="key"/>, which it then owns.</summary>
    public InstallationTokenClient(Uri apiUrl, long appId, RSA key, TimeSpan timeout, TimeProvider time)
    {
        (_apiUrl, _appId, _key, _timeout, _time) = (apiUrl, appId, key, timeout, time);
        _http = new HttpClientAdapter(() => new ApiOriginHandler(apiUrl) { InnerHandler = HttpMessageHandlerFactory.CreateDefault() });

        // The deadline below is the one that counts (on the injected clock); HttpClient's own is a backstop after it.
        _http.SetRequestTimeout(timeout + TimeSpan.FromSeconds(5));
    }

    /// <summary>A new token for <paramref name="installation"/>; see <see cref="IGitHubCredentials.ForInstallationAsync"/> for the failures.</summary>
    public async Task<GitHubCredential> CreateAsync(long installation, CancellationToken cancellationToken)
    {
        var jwt = AppJwt.Create(_appId, _key, _time.GetUtcNow());
        var connection = new Connection(Product, _apiUrl, new InMemoryCredentialStore(new Credentials(jwt, AuthenticationType.Bearer)), _http, new SimpleJsonSerializer());
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            var token = await new ApiConnection(connection).Post<AccessToken>(ApiUrls.AccessTokens(installation), string.Empty, "application/vnd.github+json", linked.Token);
            return new GitHubCredential(token.Token, GitHubCredentialKind.InstallationToken, installation, token.ExpiresAt);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientException($"{Asking(installation)}: GitHub did not answer within {_timeout.TotalSeconds:0.#} s (Handler:GitHub:RequestTimeout).", e);
        }
        catch (Exception e) when (Failure(installation, e) is { } failure)
        {
            throw failure;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
    }

    private string Asking(long installation) => $"GitHub App {_appId} asking for a token of installation {installation} at {_apiUrl}";

    /// <summary>What an exception from Octokit means here: refused for good, or worth another try.</summary>
    private Exception? Failure(long installation, Exception e) => e switch
    {
        RateLimitExceededException or SecondaryRateLimitExceededException =>
            new TransientException($"{Asking(installation)}: GitHub's rate limit is spent; retrying later.", e),
        AuthorizationException => new DeliveryRefusedException(
            $"{Asking(installation)}: GitHub answered 401, the App's token was refused. Check that Handler:GitHub:AppId is the App's id and the private key (Handler:GitHub:PrivateKey or PrivateKeyFile) is one of its current keys, and that this host's clock is right.", e),
        ForbiddenException => new DeliveryRefusedException(
            $"{Asking(installation)}: GitHub answered 403; the installation may be suspended or the App lack access to it.", e),
        NotFoundException => new DeliveryRefusedException(
            $"{Asking(installation)}: GitHub answered 404; the App {_appId} is not installed as installation {installation} (uninstalled, or another App's installation).", e),
        ApiException { StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests } api =>
            new TransientException($"{Asking(installation)}: GitHub answered {(int)api.StatusCode}; retrying later.", e),
        ApiException api => new DeliveryRefusedException($"{Asking(installation)}: GitHub answered {(int)api.StatusCode}.", e),
        HttpRequestException => new TransientException($"{Asking(installation)}: GitHub could not be reached ({e.Message}).", e),
        _ => null,
    };
}
