using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;

namespace K8sWebhookHandler.GitHubApiEmulator.Http;

/// <summary>One identity's primary rate limit as the <c>x-ratelimit-*</c> headers and <c>GET /rate_limit</c> give it.</summary>
public sealed record RateState(int Limit, int Remaining, int Used, DateTimeOffset Reset, string Resource = "core")
{
    public IReadOnlyDictionary<string, string> Headers => new Dictionary<string, string>
    {
        ["x-ratelimit-limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["x-ratelimit-remaining"] = Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["x-ratelimit-used"] = Used.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["x-ratelimit-reset"] = Reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["x-ratelimit-resource"] = Resource,
    };
}

/// <summary>
/// GitHub's primary rate limit per identity: 5,000 requests an hour for a token or an App, 60 for anonymous callers,
/// the hour counted from the identity's first request. <see cref="FaultInjector.ExhaustPrimaryRateLimit"/> spends it
/// for everyone until a reset time the test chooses. Thread-safe.
/// </summary>
public sealed class RateLimits(FaultInjector faults)
{
    public const int AuthenticatedLimit = 5000;
    public const int AnonymousLimit = 60;

    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Reset, int Used)> _windows = new(StringComparer.Ordinal);

    /// <summary>The state now, without counting a request.</summary>
    public RateState Peek(Identity identity, DateTimeOffset now) => State(identity, now, count: false);

    /// <summary>Counts one request and gives the state after it; a spent limit is not counted further.</summary>
    public RateState Count(Identity identity, DateTimeOffset now) => State(identity, now, count: true);

    private RateState State(Identity identity, DateTimeOffset now, bool count)
    {
        var limit = identity.Kind == IdentityKind.Anonymous ? AnonymousLimit : AuthenticatedLimit;
        if (faults.PrimaryLimitResetAt(now) is { } spentUntil)
        {
            return new RateState(limit, 0, limit, spentUntil);
        }

        lock (_gate)
        {
            var key = identity.ToString();
            if (!_windows.TryGetValue(key, out var window) || window.Reset <= now)
            {
                window = (now + Window, 0);
            }

            if (count && window.Used < limit)
            {
                window.Used++;
            }

            _windows[key] = window;
            return new RateState(limit, limit - window.Used, window.Used, window.Reset);
        }
    }
}
