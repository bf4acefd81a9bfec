using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>Refuses reconciler settings that cannot work, saying what to set.</summary>
public sealed class RecoveryOptionsValidator : IValidateOptions<RecoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, RecoveryOptions options)
    {
        var errors = new List<string>();
        if (options.Interval < TimeSpan.FromMinutes(1) || options.Interval > TimeSpan.FromDays(1))
        {
            errors.Add($"{RecoveryOptions.Section}:Interval must be between 00:01:00 and 1.00:00:00 (a reminder fires at most once a minute); it is {options.Interval}.");
        }

        if (options.Window <= TimeSpan.Zero || options.Window > TimeSpan.FromDays(30))
        {
            errors.Add($"{RecoveryOptions.Section}:Window must be positive and at most 30 days (github.com keeps deliveries 3 days); it is {options.Window}.");
        }

        if (options.MaxRedeliveriesPerRun is < 1 or > 10_000)
        {
            errors.Add($"{RecoveryOptions.Section}:MaxRedeliveriesPerRun must be between 1 and 10000; it is {options.MaxRedeliveriesPerRun}.");
        }

        errors.AddRange(options.RepositoryHooks.Where(h => RecoveryOptions.TryParseHook(h) is null)
            .Select(h => $"{RecoveryOptions.Section}:RepositoryHooks has '{h}': write each as owner/name:hook-id, the id a positive number (X-GitHub-Hook-ID, or the hook's settings page)."));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
