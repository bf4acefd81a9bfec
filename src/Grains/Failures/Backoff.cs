namespace K8sWebhookHandler.Grains.Failures;

/// <summary>How long to wait after transient failures: doubling from a first delay, capped.</summary>
public static class Backoff
{
    /// <summary>The wait after <paramref name="attempts"/> failed attempts (1 waits <paramref name="first"/>), at most <paramref name="longest"/>.</summary>
    public static TimeSpan Delay(TimeSpan first, TimeSpan longest, int attempts)
    {
        var doublings = Math.Min(Math.Max(attempts - 1, 0), 62);

        // Compared before doubling: a long first delay doubled many times does not fit in a TimeSpan.
        return first.Ticks > longest.Ticks >> doublings ? longest : TimeSpan.FromTicks(first.Ticks << doublings);
    }
}
