using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// <see cref="IGitHubCredentials"/> from <c>Handler:GitHub</c>. With an App, one installation token per installation and
/// repository (asked for that repository alone) is kept and shared: callers that ask while it is being issued wait for the same request, and it is renewed once less
/// than <see cref="RenewalMargin"/> of its life is left, or after <see cref="Invalidate"/>. A failed request is not
/// kept: the next caller asks again.
/// </summary>
public sealed partial class GitHubCredentials : IGitHubCredentials, IDisposable
{
    /// <summary>An installation token with less than this left is renewed (GitHub's live an hour).</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<(long Installation, RepositoryKey Repository), Task<GitHubCredential>> _tokens = [];
    private readonly GitHubOptions _options;
    private readonly InstallationTokenClient? _app;
    private readonly TimeProvider _time;
    private readonly ILogger<GitHubCredentials> _logger;

    public GitHubCredentials(IOptions<GitHubOptions> options, TimeProvider time, ILogger<GitHubCredentials> logger)
    {
        (_options, _time, _logger) = (options.Value, time, logger);
        if (_options.AppId is { } appId && GitHubApiUrl.TryParse(_options.ApiUrl, out var apiUrl, out _))
        {
            _app = new InstallationTokenClient(apiUrl, appId, AppKey.Load(_options), _options.RequestTimeout, time);
        }
    }

    public async ValueTask<GitHubCredential> ForInstallationAsync(long? installation, RepositoryKey repository, CancellationToken cancellationToken)
    {
        if (_app is null)
        {
            return _options.Token is { Length: > 0 } token
                ? GitHubCredential.Configured(token)
                : throw new DeliveryRefusedException("No GitHub credentials are configured: set Handler:GitHub:Token (or GITHUB_TOKEN), or a GitHub App with Handler:GitHub:AppId and its private key.");
        }

        if (installation is not { } id)
        {
            throw new DeliveryRefusedException(
                $"The event carries no installation (installation.id): it comes from a repository or organization webhook, not from GitHub App {_options.AppId}, whose installation tokens the handler uses. Deliver the App's webhook events, or configure a token (Handler:GitHub:Token) instead of the App.");
        }

        Task<GitHubCredential> pending;
        lock (_gate)
        {
            if (!_tokens.TryGetValue((id, repository), out pending!) || !Usable(pending))
            {
                ForgetExpired();
                pending = IssueAsync(_app, id, repository);
                _tokens[(id, repository)] = pending;
            }
        }

        // The request is shared, so it runs to its own deadline; a caller that gives up only stops waiting for it.
        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public bool Invalidate(GitHubCredential rejected)
    {
        if (rejected.Kind != GitHubCredentialKind.InstallationToken || rejected.Installation is not { } id || rejected.Repository is not { } repository)
        {
            return false;
        }

        lock (_gate)
        {
            // Only the token that was refused is dropped: a caller refused a token that was already replaced does
            // not cause a second renewal.
            if (_tokens.TryGetValue((id, repository), out var current) && current.IsCompletedSuccessfully && current.Result.Token == rejected.Token)
            {
                _tokens.Remove((id, repository));
                LogInvalidated(_logger, id, repository.Value, _options.AppId);
            }
        }

        return true;
    }

    public void Dispose() => _app?.Dispose();

    /// <summary>Drops the tokens no caller can use any more (failed, or expired), so that the cache holds only live ones.</summary>
    private void ForgetExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, token) in _tokens.Where(t => t.Value.IsFaulted || t.Value.IsCanceled || (t.Value.IsCompletedSuccessfully && t.Value.Result.ExpiresAt <= now)).ToList())
        {
            _tokens.Remove(key);
        }
    }

    /// <summary>Being issued, or issued with more than <see cref="RenewalMargin"/> left.</summary>
    private bool Usable(Task<GitHubCredential> token) =>
        !token.IsCompleted || (token.IsCompletedSuccessfully && token.Result.ExpiresAt - _time.GetUtcNow() > RenewalMargin);

    private async Task<GitHubCredential> IssueAsync(InstallationTokenClient app, long installation, RepositoryKey repository)
    {
        // Off the caller's thread and lock: signing the JWT and sending the request happen after this yield.
        await Task.Yield();
        try
        {
            var credential = await app.CreateAsync(installation, repository, CancellationToken.None).ConfigureAwait(false);
            LogIssued(_logger, installation, repository.Value, _options.AppId, credential.ExpiresAt);
            return credential;
        }
        catch (Exception e) when (e is TransientException or DeliveryRefusedException)
        {
            LogNotIssued(_logger, installation, repository.Value, _options.AppId, e.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GitHub issued a token for {Repository} in installation {Installation} of App {AppId}, valid until {ExpiresAt}")]
    private static partial void LogIssued(ILogger logger, long installation, string repository, long? appId, DateTimeOffset? expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No token for {Repository} in installation {Installation} of App {AppId}: {Error}")]
    private static partial void LogNotIssued(ILogger logger, long installation, string repository, long? appId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "GitHub refused the token for {Repository} in installation {Installation} of App {AppId}; the next request gets a new one")]
    private static partial void LogInvalidated(ILogger logger, long installation, string repository, long? appId);
}
