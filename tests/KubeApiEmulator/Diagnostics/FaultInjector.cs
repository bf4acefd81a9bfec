namespace K8sWebhookHandler.KubeApiEmulator.Diagnostics;

/// <summary>A fault armed for the next <see cref="Remaining"/> requests that match.</summary>
public sealed class FaultRule
{
    public required Func<RecordedRequest, bool> Match { get; init; }

    public int Remaining { get; internal set; }

    /// <summary>Status to answer with; null for a stall that then answers normally.</summary>
    public int? StatusCode { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A body to answer with instead of a <c>Status</c> (a proxy's HTML page, nothing at all), with its content type.</summary>
    public (string Text, string? ContentType)? Body { get; init; }

    public TimeSpan? Stall { get; init; }

    /// <summary>Requests wait until this task completes, then are served normally: a stall the test ends itself.</summary>
    public Task? Until { get; init; }
}

/// <summary>
/// Makes chosen requests fail (500, 503, 429 with Retry-After, 409, 403, 404, or any status with a body that is not a
/// <c>Status</c>) or stall past a client's timeout, so that tests can prove retries and idempotence against a server
/// that misbehaves on purpose.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];

    /// <summary>The next <paramref name="count"/> matching requests answer <paramref name="statusCode"/>.</summary>
    public FaultRule FailNext(int count, int statusCode, Func<RecordedRequest, bool>? match = null, TimeSpan? retryAfter = null) =>
        Arm(new FaultRule { Match = match ?? (_ => true), Remaining = count, StatusCode = statusCode, RetryAfter = retryAfter });

    /// <summary>
    /// The next <paramref name="count"/> matching requests answer <paramref name="statusCode"/> with <paramref name="body"/> as
    /// it is, as a proxy in front of the API server might (an HTML page, an empty body); a null content type sends none.
    /// </summary>
    public FaultRule AnswerNext(int count, int statusCode, string body, string? contentType, Func<RecordedRequest, bool>? match = null) =>
        Arm(new FaultRule { Match = match ?? (_ => true), Remaining = count, StatusCode = statusCode, Body = (body, contentType) });

    /// <summary>The next <paramref name="count"/> matching requests wait <paramref name="duration"/> before being served.</summary>
    public FaultRule StallNext(int count, TimeSpan duration, Func<RecordedRequest, bool>? match = null) =>
        Arm(new FaultRule { Match = match ?? (_ => true), Remaining = count, Stall = duration });

    /// <summary>The next <paramref name="count"/> matching requests wait until <paramref name="until"/> completes.</summary>
    public FaultRule HoldNext(int count, Task until, Func<RecordedRequest, bool>? match = null) =>
        Arm(new FaultRule { Match = match ?? (_ => true), Remaining = count, Until = until });

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
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
