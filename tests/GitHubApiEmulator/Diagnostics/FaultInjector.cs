namespace K8sWebhookHandler.GitHubApiEmulator.Diagnostics;

/// <summary>What an armed fault does to a request it takes.</summary>
public enum FaultKind
{
    /// <summary>Answers <see cref="FaultRule.StatusCode"/> (a 5xx, typically) with GitHub's error shape.</summary>
    Fail,

    /// <summary>Answers 403 or 429 with <c>retry-after</c> and GitHub's "secondary rate limit" message.</summary>
    SecondaryRateLimit,

    /// <summary>Holds the request until <see cref="FaultRule.Until"/> completes, then serves it normally.</summary>
    Hold,
}

/// <summary>A fault armed for the next <see cref="Remaining"/> requests that match.</summary>
public sealed class FaultRule
{
    public required FaultKind Kind { get; init; }

    public required Func<RecordedRequest, bool> Match { get; init; }

    public int Remaining { get; internal set; }

    public int StatusCode { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public Task? Until { get; init; }
}

/// <summary>
/// Makes chosen requests fail, hit a rate limit or stall until the test lets them go, so that tests can prove a
/// client's retries, back-off and ordering against a GitHub that misbehaves on purpose. Faults act before routing,
/// authentication and validation, as an outage would.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];
    private DateTimeOffset? _primaryResetAt;

    /// <summary>The next <paramref name="count"/> matching requests answer <paramref name="statusCode"/> (default 503).</summary>
    public FaultRule FailNext(int count, int statusCode = 503, Func<RecordedRequest, bool>? match = null) =>
        Arm(new FaultRule { Kind = FaultKind.Fail, Match = match ?? (_ => true), Remaining = count, StatusCode = statusCode });

    /// <summary>
    /// The next <paramref name="count"/> matching requests meet GitHub's secondary rate limit: <paramref name="statusCode"/>
    /// 403 or 429, with <c>retry-after</c> of <paramref name="retryAfter"/>.
    /// </summary>
    public FaultRule SecondaryRateLimitNext(int count, TimeSpan retryAfter, int statusCode = 403, Func<RecordedRequest, bool>? match = null)
    {
        if (statusCode is not (403 or 429))
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "GitHub answers a secondary rate limit with 403 or 429");
        }

        return Arm(new FaultRule { Kind = FaultKind.SecondaryRateLimit, Match = match ?? (_ => true), Remaining = count, StatusCode = statusCode, RetryAfter = retryAfter });
    }

    /// <summary>The next <paramref name="count"/> matching requests wait until <paramref name="until"/> completes: a stall the test ends.</summary>
    public FaultRule HoldNext(int count, Task until, Func<RecordedRequest, bool>? match = null) =>
        Arm(new FaultRule { Kind = FaultKind.Hold, Match = match ?? (_ => true), Remaining = count, Until = until });

    /// <summary>
    /// The primary rate limit is spent for every identity until <paramref name="resetAt"/> (by the emulator's clock):
    /// <c>x-ratelimit-remaining: 0</c>, <c>x-ratelimit-reset</c> at that time, and 403 "API rate limit exceeded" to every
    /// request but <c>GET /rate_limit</c>.
    /// </summary>
    public void ExhaustPrimaryRateLimit(DateTimeOffset resetAt)
    {
        lock (_gate)
        {
            _primaryResetAt = resetAt;
        }
    }

    /// <summary>Disarms every fault and lifts the spent primary rate limit.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
            _primaryResetAt = null;
        }
    }

    /// <summary>When the spent primary rate limit resets, if it is spent at <paramref name="now"/>.</summary>
    internal DateTimeOffset? PrimaryLimitResetAt(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _primaryResetAt > now ? _primaryResetAt : null;
        }
    }

    /// <summary>Takes one use of the first armed rule that matches, if any.</summary>
    internal FaultRule? Take(RecordedRequest request)
    {
        lock (_gate)
        {
            var rule = _rules.FirstOrDefault(r => r.Remaining > 0 && r.Match(request));
            if (rule is not null)
            {
                rule.Remaining--;
            }

            _rules.RemoveAll(r => r.Remaining <= 0);
            return rule;
        }
    }

    private FaultRule Arm(FaultRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }
}
