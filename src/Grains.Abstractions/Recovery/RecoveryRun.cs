namespace K8sWebhookHandler.Abstractions.Recovery;

/// <summary>How a reconciler run ended.</summary>
public enum RecoveryOutcome
{
    /// <summary>Still running.</summary>
    Running,

    /// <summary>Every hook listed to its checkpoint, and every failed delivery the handler never recorded asked for again.</summary>
    Completed,

    /// <summary>Stopped at <c>MaxRedeliveriesPerRun</c>: the next run goes on from the same checkpoint.</summary>
    Capped,

    /// <summary>Stopped by GitHub's rate limit, or held by it: runs start again once GitHub allows.</summary>
    RateLimited,

    /// <summary>At least one hook could not be listed (GitHub away, credentials refused): see the run's errors.</summary>
    Failed,
}

/// <summary>What started a run.</summary>
public enum RecoveryTrigger
{
    /// <summary>The silo started (or the reconciler's activation did).</summary>
    Start,

    /// <summary>The reminder, every <c>Handler:GitHub:Recovery:Interval</c>.</summary>
    Schedule,

    /// <summary>An operator, through <c>POST /api/recovery/runs</c>.</summary>
    Operator,
}

/// <summary>
/// One reconciler run: when, what GitHub's record held (attempts listed, deliveries failed), what the handler had
/// recorded already, and which deliveries it asked GitHub to send again.
/// </summary>
[GenerateSerializer, Immutable, Alias("recovery-run")]
public sealed record RecoveryRun(
    [property: Id(0)] DateTimeOffset StartedAt,
    [property: Id(1)] RecoveryTrigger Trigger,
    [property: Id(2)] RecoveryOutcome Outcome = RecoveryOutcome.Running,
    [property: Id(3)] DateTimeOffset? FinishedAt = null,
    [property: Id(4)] int Listed = 0,
    [property: Id(5)] int Failed = 0,
    [property: Id(6)] int AlreadyRecorded = 0,
    [property: Id(7)] int Requested = 0,
    [property: Id(8)] IReadOnlyList<string>? Deliveries = null,
    [property: Id(9)] IReadOnlyList<string>? Errors = null)
{
    /// <summary>The most delivery ids a run keeps; the count says how many there were.</summary>
    public const int MaxDeliveriesKept = 100;
}

/// <summary>The reconciler as the inspection API shows it: its settings, its hooks, and its recent runs, newest first.</summary>
[GenerateSerializer, Immutable, Alias("recovery-view")]
public sealed record RecoveryView(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] TimeSpan Interval,
    [property: Id(2)] IReadOnlyList<WebhookHook> Hooks,
    [property: Id(3)] IReadOnlyList<RecoveryRun> Runs,
    [property: Id(4)] string? Disabled = null);
