using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Delivery;

/// <summary>Refuses limits and retry settings that cannot work, and an ignore pattern that is not a regular expression.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var errors = new List<string>();
        if (SettingChecks.RegexProblem("Handler:IgnoreRefs", options.IgnoreRefs) is { } ignoreRefs)
        {
            errors.Add(ignoreRefs);
        }

        if (options.MaxAttempts <= 0 || options.MaxRememberedDeliveries <= 0 || options.HistoryLimit <= 0 || options.MaxRefs <= 0)
        {
            errors.Add("Handler:MaxAttempts (when set), MaxRememberedDeliveries, HistoryLimit and MaxRefs must be positive.");
        }

        if (options.RetryFor <= TimeSpan.Zero)
        {
            errors.Add("Handler:RetryFor must be positive, e.g. 3.00:00:00 (d.hh:mm:ss) to keep retrying through GitHub's 3-day redelivery window.");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            errors.Add("Handler:RetryDelay must be positive and no more than Handler:MaxRetryDelay.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
