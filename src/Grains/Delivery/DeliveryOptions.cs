namespace K8sWebhookHandler.Grains.Delivery;

/// <summary>
/// What a repository does with deliveries: which refs it ignores on arrival, how long and how many delivery ids and
/// records it remembers, and how long a transiently failing delivery is retried. Keys are flat under <c>Handler</c>
/// (<c>Handler:RetryFor</c>, ...). Validated by <see cref="DeliveryOptionsValidator"/>.
/// </summary>
public sealed class DeliveryOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler";

    /// <summary>
    /// <c>Handler:IgnoreRefs</c>: refs matching this regular expression (searched in the full ref, e.g.
    /// <c>refs/heads/x</c>) are answered <c>ignored</c> and recorded <c>ignored-ref</c> on arrival, never fetched or
    /// applied (the Go handler's <c>-ignore</c>). Unset by default.
    /// </summary>
    public string? IgnoreRefs { get; set; }

    /// <summary>The events that run the manifest when <see cref="Events"/> is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultEvents = ["push", "delete", "check_suite", "check_run", "pull_request", "merge_group"];

    /// <summary>
    /// <c>Handler:Events</c>: the events (<c>X-GitHub-Event</c> names) that run the manifest; unset means
    /// <see cref="DefaultEvents"/>. An operator opts in to others, e.g. <c>release</c>, <c>repository_dispatch</c>,
    /// <c>workflow_dispatch</c> or <c>deployment</c>; every event not listed is recorded <c>ignored</c>.
    /// <c>issue_comment</c> needs no listing: a command on a pull request is acted on whenever <c>pull_request</c> is.
    /// </summary>
    public string[]? Events { get; set; }

    /// <summary>The events in effect: the configured ones, or the defaults.</summary>
    public IReadOnlyList<string> ActedOn => Events is { Length: > 0 } configured ? configured : DefaultEvents;

    /// <summary>
    /// Whether events of this <c>X-GitHub-Event</c> name are acted on: listed in <see cref="ActedOn"/>; a comment, whose
    /// commands are about pull requests, exactly while <c>pull_request</c> is, listed or not.
    /// </summary>
    public bool ActsOn(string eventName) =>
        ActedOn.Contains(eventName == "issue_comment" ? "pull_request" : eventName, StringComparer.Ordinal);

    /// <summary>
    /// <c>Handler:DeliveryRetention</c>: how long a delivery id is remembered for dedupe (inclusive; one tick later it is
    /// new again). GitHub lets users redeliver for 3 days. Default 7 days.
    /// </summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary><c>Handler:MaxRememberedDeliveries</c>: most delivery ids remembered per repository; at the limit the oldest sixty-fourth of them (at least one) is forgotten. Default 10000.</summary>
    public int MaxRememberedDeliveries { get; set; } = 10_000;

    /// <summary>
    /// <c>Handler:HistoryLimit</c>: delivery records kept per repository for inspection, trimmed when a delivery arrives:
    /// oldest first, failed ones last (a redelivery needs them), and never one still pending (so the count may exceed
    /// this until the next arrival). Default 200.
    /// </summary>
    public int HistoryLimit { get; set; } = 200;

    /// <summary>
    /// <c>Handler:RetryFor</c>: how long a delivery that keeps failing transiently (git or the API server unreachable) is
    /// retried before it is recorded as <c>failed</c>. GitHub lets users redeliver for 3 days; an outage shorter than this
    /// loses nothing, and a redelivery or an operator's retry queues a failed delivery again. Default 3 days.
    /// </summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary><c>Handler:MaxAttempts</c>: an optional cap on attempts besides <see cref="RetryFor"/>; unset (the default) means none.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// <c>Handler:MaxRefs</c>: refs remembered per repository (last applied revision, the last push received for replay
    /// detection); beyond it, deleted refs go first, then the least recently updated. Default 1000.
    /// </summary>
    public int MaxRefs { get; set; } = 1000;

    /// <summary><c>Handler:RetryDelay</c>: wait before the first retry; doubles per attempt up to <see cref="MaxRetryDelay"/>. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>Handler:MaxRetryDelay</c>: the longest wait between two attempts. Default 5 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
}
