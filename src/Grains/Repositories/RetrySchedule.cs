using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// When a transiently failing delivery is tried again: the delay doubles per attempt up to
/// <see cref="DeliveryOptions.MaxRetryDelay"/>, and the delivery keeps being tried until
/// <see cref="DeliveryOptions.RetryFor"/> has passed since it was queued (and, if set, until
/// <see cref="DeliveryOptions.MaxAttempts"/>), so an outage shorter than that loses nothing.
/// </summary>
public sealed class RetrySchedule(DeliveryOptions options)
{
    /// <summary>The time of the next attempt, or null when the delivery has run out of time or attempts.</summary>
    /// <param name="attempts">Attempts made so far, the failed one included.</param>
    /// <param name="queuedAt">When the delivery was (last) queued.</param>
    /// <param name="now">The time of the failed attempt.</param>
    public DateTimeOffset? NextAttempt(int attempts, DateTimeOffset queuedAt, DateTimeOffset now)
    {
        if (options.MaxAttempts is { } max && attempts >= max)
        {
            return null;
        }

        var next = now + Delay(attempts);
        return next - queuedAt <= options.RetryFor ? next : null;
    }

    /// <summary>The wait after the given number of attempts.</summary>
    public TimeSpan Delay(int attempts) => Backoff.Delay(options.RetryDelay, options.MaxRetryDelay, attempts);
}
