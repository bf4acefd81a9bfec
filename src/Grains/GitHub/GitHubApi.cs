using Octokit;
using Octokit.Internal;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// Octokit clients for the configured API URL, as configured (Octokit's own <see cref="GitHubClient"/> constructor
/// would add <c>/api/v3/</c> for any host but api.github.com), sharing one HTTP connection pool. The
/// <c>Authorization</c> header goes to that origin only (<see cref="ApiOriginHandler"/>); every request has the
/// <c>Handler:GitHub:RequestTimeout</c> deadline (<see cref="DeadlineHttpClient"/>).
/// </summary>
public sealed class GitHubApi : IDisposable
{
    private static readonly ProductHeaderValue Product = new("k8s-webhook-handler");

    private readonly HttpClientAdapter _http;
    private readonly Uri _apiUrl;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public GitHubApi(Uri apiUrl, TimeSpan timeout, TimeProvider time)
    {
        (_apiUrl, _timeout, _time) = (apiUrl, timeout, time);
        _http = new HttpClientAdapter(() => new ApiOriginHandler(apiUrl) { InnerHandler = HttpMessageHandlerFactory.CreateDefault() });

        // The deadline that counts is DeadlineHttpClient's, on the injected clock; HttpClient's own is a backstop after it.
        _http.SetRequestTimeout(timeout + TimeSpan.FromSeconds(5));
    }

    /// <summary>The configured API URL.</summary>
    public Uri Url => _apiUrl;

    /// <summary>A client sending <paramref name="credential"/>'s token, whose requests stop when <paramref name="cancellationToken"/> is cancelled.</summary>
    public GitHubClient Client(GitHubCredential credential, CancellationToken cancellationToken) =>
        new(Connection(new Credentials(credential.Token), cancellationToken));

    /// <summary>
    /// Octokit's connection sending <paramref name="credentials"/> (a token, or an App's JWT as a bearer), whose
    /// requests stop when <paramref name="cancellationToken"/> is cancelled or the deadline passes.
    /// </summary>
    public Connection Connection(Credentials credentials, CancellationToken cancellationToken) =>
        new(Product, _apiUrl, new InMemoryCredentialStore(credentials), new DeadlineHttpClient(_http, _timeout, _time, cancellationToken), new SimpleJsonSerializer());

    public void Dispose() => _http.Dispose();
}
