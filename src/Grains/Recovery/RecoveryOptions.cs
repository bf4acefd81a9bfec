using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>
/// The delivery reconciler (<c>Handler:GitHub:Recovery</c>): whether it runs, how often, how far back, and how many
/// redeliveries one run may ask for. Validated by <see cref="RecoveryOptionsValidator"/>.
/// </summary>
public sealed class RecoveryOptions
{
    public const string Section = "Handler:GitHub:Recovery";

    /// <summary>GitHub keeps hook deliveries this long (github.com; GitHub Enterprise Server may keep them longer).</summary>
    public static readonly TimeSpan GitHubRetention = TimeSpan.FromDays(3);

    /// <summary><c>Enabled</c>: whether the reconciler runs (when credentials to list deliveries are configured). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Interval</c>: how long from one run to the next; at least a minute (Orleans reminders). Default 10 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary><c>Window</c>: how far back a run looks at most, whatever its checkpoint says. Default 3 days, GitHub's retention.</summary>
    public TimeSpan Window { get; set; } = GitHubRetention;

    /// <summary><c>MaxRedeliveriesPerRun</c>: the most redeliveries one run asks for; the rest wait for the next run. Default 100.</summary>
    public int MaxRedeliveriesPerRun { get; set; } = 100;

    /// <summary>
    /// <c>RepositoryHooks</c>: repository webhooks to reconcile as <c>owner/name:hook-id</c>, besides those learned from
    /// the <c>X-GitHub-Hook-ID</c> of deliveries received.
    /// </summary>
    public string[] RepositoryHooks { get; set; } = [];

    /// <summary>
    /// These settings with <see cref="Window"/> no longer than <paramref name="retention"/> (<c>Handler:DeliveryRetention</c>):
    /// the handler knows what it recorded only that long, and a delivery it recorded but forgot must not be asked for again.
    /// </summary>
    public RecoveryOptions Within(TimeSpan retention)
    {
        // A copy of every setting, so that one added later is not left out of it.
        var within = (RecoveryOptions)MemberwiseClone();
        within.Window = Window < retention ? Window : retention;
        return within;
    }

    /// <summary>The configured repository hooks, parsed; a malformed entry is the validator's to refuse.</summary>
    public IReadOnlyList<WebhookHook> ConfiguredHooks() =>
        RepositoryHooks.Select(TryParseHook).OfType<WebhookHook>().ToArray();

    /// <summary>A repository hook written <c>owner/name:id</c>, or null.</summary>
    public static WebhookHook? TryParseHook(string? text)
    {
        var colon = text?.LastIndexOf(':') ?? -1;
        return colon > 0
            && RepositoryKey.TryParse(text![..colon], out var repository)
            && long.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && id > 0
                ? new WebhookHook(HookKind.Repository, id, repository)
                : null;
    }
}
