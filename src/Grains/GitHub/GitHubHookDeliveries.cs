using System.Globalization;
using System.Security.Cryptography;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Recovery;
using Microsoft.Extensions.Options;
using Octokit;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// <see cref="IHookDeliveries"/> over GitHub's REST API: <c>/app/hook/deliveries</c> with the App's JWT, and
/// <c>/repos/{owner}/{repo}/hooks/{id}/deliveries</c> with the configured token. Octokit (14) has no client for these
/// endpoints, so the calls go through its <see cref="Connection"/>: the same origin-bound credentials, deadline and
/// error answers as every other call. The next page's cursor is read from the <c>Link</c> header and sent to the
/// configured API only; its URL is never followed.
/// </summary>
public sealed class GitHubHookDeliveries : IHookDeliveries, IDisposable
{
    private const string Accepts = "application/vnd.github+json";
    private readonly GitHubOptions _options;
    private readonly GitHubApi _api;
    private readonly RSA? _appKey;
    private readonly TimeProvider _time;

    public GitHubHookDeliveries(IOptions<GitHubOptions> options, TimeProvider time)
    {
        (_options, _time) = (options.Value, time);
        var apiUrl = GitHubApiUrl.TryParse(_options.ApiUrl, out var url, out var problem)
            ? url
            : throw new InvalidOperationException($"Handler:GitHub:ApiUrl {problem}.");
        _api = new GitHubApi(apiUrl, _options.RequestTimeout, time);
        _appKey = _options.IsApp ? AppKey.Load(_options) : null;
    }

    public string? Unavailable(HookKind kind) => kind switch
    {
        HookKind.App when !_options.IsApp => "no GitHub App is configured (Handler:GitHub:AppId)",
        HookKind.Repository when _options.IsApp => "repository webhooks are listed with a token, and a GitHub App is configured instead",
        HookKind.Repository when string.IsNullOrEmpty(_options.Token) => "no token is configured (Handler:GitHub:Token or GITHUB_TOKEN)",
        _ => null,
    };

    public async Task<HookAttemptPage> ListAsync(WebhookHook hook, string? cursor, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string> { ["per_page"] = "100" };
        if (cursor is not null)
        {
            parameters["cursor"] = cursor;
        }

        var response = await CallAsync(hook, $"listing the deliveries of hook {hook.Name}",
            connection => connection.Get<List<AttemptShape>>(Deliveries(hook), parameters, Accepts, cancellationToken), cancellationToken, listing: true);
        var next = response.HttpResponse.ApiInfo?.Links is { } links && links.TryGetValue("next", out var link) ? CursorOf(link) : null;
        return new HookAttemptPage(response.Body.Select(a => a.ToAttempt()).ToArray(), next);
    }

    public async Task<string?> RepositoryOfAsync(WebhookHook hook, long attempt, CancellationToken cancellationToken)
    {
        var response = await CallAsync(hook, $"reading delivery {attempt} of hook {hook.Name}",
            connection => connection.Get<DeliveryShape>(Delivery(hook, attempt), null, Accepts, cancellationToken), cancellationToken);
        return response.Body.Request?.Payload?.Repository?.FullName;
    }

    public Task RedeliverAsync(WebhookHook hook, long attempt, CancellationToken cancellationToken) =>
        CallAsync(hook, $"asking hook {hook.Name} to redeliver {attempt}",
            connection => connection.Post(new Uri(Delivery(hook, attempt) + "/attempts", UriKind.Relative), cancellationToken), cancellationToken);

    public void Dispose()
    {
        _api.Dispose();
        _appKey?.Dispose();
    }

    /// <summary>The <c>cursor</c> parameter of a <c>Link</c> URL; null when there is none.</summary>
    public static string? CursorOf(Uri link)
    {
        var query = link.IsAbsoluteUri ? link.Query : link.OriginalString[Math.Max(0, link.OriginalString.IndexOf('?', StringComparison.Ordinal))..];
        return query.TrimStart('?').Split('&')
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && p[0] == "cursor")
            .Select(p => Uri.UnescapeDataString(p[1]))
            .FirstOrDefault(c => c.Length is > 0 and <= 512);
    }

    private static Uri Deliveries(WebhookHook hook) => new(
        hook.Kind == HookKind.App
            ? "app/hook/deliveries"
            : $"repos/{Uri.EscapeDataString(hook.Repository!.Value.Owner)}/{Uri.EscapeDataString(hook.Repository.Value.Name)}/hooks/{hook.HookId.ToString(CultureInfo.InvariantCulture)}/deliveries",
        UriKind.Relative);

    private static Uri Delivery(WebhookHook hook, long attempt) =>
        new($"{Deliveries(hook)}/{attempt.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative);

    /// <summary>
    /// One call as <paramref name="hook"/>'s credentials; a 404 to <paramref name="listing"/> the hook is the hook gone
    /// (<see cref="HookGoneException"/>), to anything else one delivery not found (refused, as every other 4xx).
    /// </summary>
    private async Task<T> CallAsync<T>(WebhookHook hook, string doing, Func<IConnection, Task<T>> call, CancellationToken cancellationToken, bool listing = false)
    {
        if (Unavailable(hook.Kind) is { } why)
        {
            throw new DeliveryRefusedException($"Hook {hook.Name} cannot be reconciled: {why}.");
        }

        try
        {
            return await call(_api.Connection(Credentials(hook.Kind), cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientException($"GitHub did not answer {doing} within {_options.RequestTimeout.TotalSeconds:0.#} s (Handler:GitHub:RequestTimeout).", e);
        }
        catch (NotFoundException e) when (listing)
        {
            throw new HookGoneException($"GitHub answered 404 {doing}: the hook is gone, or the credentials may not see it.", e);
        }
        catch (Exception e) when (GitHubFailure.Of(e, doing, _time.GetUtcNow()) is { } failure)
        {
            throw failure;
        }
    }

    private Credentials Credentials(HookKind kind) => kind == HookKind.App
        ? new Credentials(AppJwt.Create(_options.AppId!.Value, _appKey!, _time.GetUtcNow()), AuthenticationType.Bearer)
        : new Credentials(_options.Token);
}
