using System.Net;
using System.Security.Cryptography;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using Octokit;
using Octokit.Internal;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// Asks GitHub for an installation token (<c>POST {ApiUrl}/app/installations/{id}/access_tokens</c>) as the App, with a
/// JWT made for each request, through Octokit's connection, scoped to one repository (<c>repositories: [name]</c>):
/// Octokit's <c>CreateInstallationToken</c> (14.0) sends no body, so the request is made with its <c>ApiConnection</c>
/// and <c>ApiUrls.AccessTokens</c> instead. The API URL is used as configured (Octokit's own client would add
/// <c>/api/v3/</c> for any host but api.github.com); the JWT goes to that origin only (<see cref="ApiOriginHandler"/>:
/// Octokit itself drops the <c>Authorization</c> header on a redirect to another host, not to another port). Every
/// request has the <c>Handler:GitHub:RequestTimeout</c> deadline. No message names the JWT or key.
/// </summary>
public sealed class InstallationTokenClient : IDisposable
{
    private readonly GitHubApi _api;
    private readonly long _appId;
    private readonly RSA _key;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>A client for the App <paramref name="appId"/> with its private <paramref name="key"/>, which it then owns.</summary>
    public InstallationTokenClient(Uri apiUrl, long appId, RSA key, TimeSpan timeout, TimeProvider time)
    {
        (_appId, _key, _timeout, _time) = (appId, key, timeout, time);
        _api = new GitHubApi(apiUrl, timeout, time);
    }

    /// <summary>
    /// A new token of <paramref name="installation"/> for <paramref name="repository"/> alone; see
    /// <see cref="IGitHubCredentials.ForInstallationAsync"/> for the failures.
    /// </summary>
    public async Task<GitHubCredential> CreateAsync(long installation, RepositoryKey repository, CancellationToken cancellationToken)
    {
        var jwt = AppJwt.Create(_appId, _key, _time.GetUtcNow());
        var connection = _api.Connection(new Credentials(jwt, AuthenticationType.Bearer), cancellationToken);
        try
        {
            // The installation's account owns the repository: GitHub takes its name without the owner.
            var request = new TokenRequest([repository.Name]);
            var token = await new ApiConnection(connection).Post<AccessToken>(ApiUrls.AccessTokens(installation), request, "application/vnd.github+json", "application/json", cancellationToken);
            return new GitHubCredential(token.Token, GitHubCredentialKind.InstallationToken, installation, token.ExpiresAt, repository);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientException($"{Asking(installation, repository)}: GitHub did not answer within {_timeout.TotalSeconds:0.#} s (Handler:GitHub:RequestTimeout).", e);
        }
        catch (Exception e) when (Failure(installation, repository, e) is { } failure)
        {
            throw failure;
        }
    }

    public void Dispose()
    {
        _api.Dispose();
        _key.Dispose();
    }

    private string Asking(long installation, RepositoryKey repository) =>
        $"GitHub App {_appId} asking for a token of installation {installation} for {repository} at {_api.Url}";

    /// <summary>What an exception from Octokit means here: refused for good, or worth another try.</summary>
    private Exception? Failure(long installation, RepositoryKey repository, Exception e)
    {
        var asking = Asking(installation, repository);
        return e switch
        {
            RateLimitExceededException or SecondaryRateLimitExceededException =>
                new TransientException($"{asking}: GitHub's rate limit is spent; retrying later.", e),
            AuthorizationException => new DeliveryRefusedException(
                $"{asking}: GitHub answered 401, the App's token was refused. Check that Handler:GitHub:AppId is the App's id and the private key (Handler:GitHub:PrivateKey or PrivateKeyFile) is one of its current keys, and that this host's clock is right.", e),
            ForbiddenException => new DeliveryRefusedException(
                $"{asking}: GitHub answered 403; the installation may be suspended or the App lack access to it.", e),
            NotFoundException => new DeliveryRefusedException(
                $"{asking}: GitHub answered 404; the App {_appId} is not installed as installation {installation} (uninstalled, or another App's installation).", e),
            ApiException { StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests } api =>
                new TransientException($"{asking}: GitHub answered {(int)api.StatusCode}; retrying later.", e),
            ApiValidationException => new DeliveryRefusedException(
                $"{asking}: GitHub answered 422; installation {installation} does not cover {repository} (the App is not installed on it, or the event names another account's installation).", e),
            ApiException api => new DeliveryRefusedException($"{asking}: GitHub answered {(int)api.StatusCode}.", e),
            HttpRequestException => new TransientException($"{asking}: GitHub could not be reached ({e.Message}).", e),
            _ => null,
        };
    }

    /// <summary>The body of the token request; Octokit's serializer writes <c>repositories</c>.</summary>
    private sealed record TokenRequest(IReadOnlyList<string> Repositories);
}
