using System.Globalization;
using System.Net;
using K8sWebhookHandler.Grains.Failures;
using Octokit;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// What a failed call to GitHub's API means: worth another try (<see cref="TransientException"/>: 5xx, a network error,
/// either rate limit with the time GitHub allows the next request) or refused for good
/// (<see cref="DeliveryRefusedException"/>: 404, 422, any other 4xx, naming what GitHub said). 401 is the caller's to
/// handle (renew the credential). No message carries a token: Octokit's messages hold GitHub's answer, not the request.
/// </summary>
public static class GitHubFailure
{
    /// <summary>How long to wait after a rate limit answer that says neither when it resets nor <c>retry-after</c> (GitHub's docs: at least a minute).</summary>
    public static readonly TimeSpan UnsaidRateLimitWait = TimeSpan.FromMinutes(1);

    /// <summary>The exception to throw for <paramref name="e"/> met while <paramref name="doing"/>; null if it is none of GitHub's answers or a network error.</summary>
    public static Exception? Of(Exception e, string doing, DateTimeOffset now) => e switch
    {
        ApiException api when RateLimitedUntil(api, now) is { } notBefore =>
            new TransientException($"GitHub's rate limit stops {doing} until {notBefore:O} (it answered {(int)api.StatusCode}: {api.Message}).", e) { NotBefore = notBefore },
        ApiException { StatusCode: >= HttpStatusCode.InternalServerError } api =>
            new TransientException($"GitHub answered {(int)api.StatusCode} {doing}; retrying later.", e),
        ApiException api => new DeliveryRefusedException($"GitHub answered {(int)api.StatusCode} {doing}: {Said(api)}", e),
        HttpRequestException or IOException => new TransientException($"GitHub could not be reached {doing}: {e.Message}", e),
        _ => null,
    };

    /// <summary>
    /// When a 403 or 429 that is a rate limit lets the next request through: the later of <c>retry-after</c> (the
    /// secondary limit) and <c>x-ratelimit-reset</c> when <c>x-ratelimit-remaining</c> is 0 (the primary limit); a
    /// minute from <paramref name="now"/> for a 429, or a 403 Octokit reads as a rate limit, that says neither. Null when
    /// the answer is no rate limit.
    /// </summary>
    public static DateTimeOffset? RateLimitedUntil(ApiException api, DateTimeOffset now)
    {
        if (api.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return null;
        }

        var headers = api.HttpResponse?.Headers;
        DateTimeOffset? primary = Header(headers, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(headers, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset)
                ? DateTimeOffset.FromUnixTimeSeconds(reset)
                : null;
        var secondary = RetryAfter(Header(headers, "retry-after"), now);
        if (primary is null && secondary is null)
        {
            var saysRateLimit = api.StatusCode == HttpStatusCode.TooManyRequests
                || api is RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException;
            return saysRateLimit ? now + UnsaidRateLimitWait : null;
        }

        return primary > secondary || secondary is null ? primary : secondary;
    }

    /// <summary><c>retry-after</c> as seconds or as an HTTP date.</summary>
    private static DateTimeOffset? RetryAfter(string? value, DateTimeOffset now) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? now + TimeSpan.FromSeconds(seconds)
        : DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : null;

    /// <summary>A response header by name, ignoring case: Octokit keeps the names as they came.</summary>
    private static string? Header(IReadOnlyDictionary<string, string>? headers, string name) =>
        headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.Trim();

    /// <summary>GitHub's message and, for a 422, what it found wrong with each field.</summary>
    private static string Said(ApiException api)
    {
        var errors = api.ApiError?.Errors?.Select(e => e.Message ?? $"{e.Resource}.{e.Field} {e.Code}").Where(m => m.Length > 0).ToArray() ?? [];
        return errors.Length == 0 ? api.Message : $"{api.Message} ({string.Join("; ", errors)})";
    }
}
