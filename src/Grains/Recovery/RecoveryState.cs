using K8sWebhookHandler.Abstractions.Recovery;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>
/// A redelivery asked for: of which hook and attempt (and when GitHub first delivered it), when, and how many times for
/// its GUID so far.
/// </summary>
public sealed record RequestedRedelivery(string Hook, long Attempt, DateTimeOffset At, int Times, DateTimeOffset DeliveredAt);

/// <summary>
/// The reconciler's stored state: the repository hooks it knows, how far back each hook's record has been reconciled,
/// the redeliveries it asked for (kept for the window, so that none is asked twice while GitHub has not yet made it),
/// and its recent runs. Stored as JSON without type names; <see cref="SchemaVersion"/> says which shape.
/// </summary>
public sealed class RecoveryState
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The most repository hooks remembered: a signed payload names the hook, and a hostile one must not grow this without end.</summary>
    public const int MaxHooks = 1000;

    /// <summary>The most hooks learned per repository (GitHub allows 20 per event and repository).</summary>
    public const int MaxHooksPerRepository = 20;

    /// <summary>The most runs kept for the inspection API.</summary>
    public const int MaxRuns = 20;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>The repository hooks learned from deliveries (the configured ones and the App's are added at each run).</summary>
    public List<WebhookHook> Hooks { get; set; } = [];

    /// <summary>Per hook (<see cref="WebhookHook.Name"/>): every attempt GitHub recorded before this time has been reconciled.</summary>
    public Dictionary<string, DateTimeOffset> Checkpoints { get; set; } = [];

    /// <summary>
    /// Per learned hook (<see cref="WebhookHook.Name"/>) not listed yet: the delivery it was learned from. The header
    /// that names a hook is not signed, so the hook is kept only when GitHub lists that delivery through it.
    /// </summary>
    public Dictionary<string, string> Unverified { get; set; } = [];

    /// <summary>Until when GitHub's rate limit holds runs back, as GitHub last said.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Per delivery GUID: the last redelivery asked for, until its delivery succeeded or the handler recorded it.</summary>
    public Dictionary<string, RequestedRedelivery> Requested { get; set; } = [];

    /// <summary>The recent runs, newest first.</summary>
    public List<RecoveryRun> Runs { get; set; } = [];

    /// <summary>
    /// Adds a repository hook not known yet, to be verified by <paramref name="taughtBy"/> (the delivery it came with);
    /// false when it is known, or when <see cref="MaxHooks"/> (or <see cref="MaxHooksPerRepository"/> of its repository) are.
    /// </summary>
    public bool Learn(WebhookHook hook, string taughtBy)
    {
        if (hook.Kind != HookKind.Repository || Hooks.Contains(hook) || Hooks.Count >= MaxHooks
            || Hooks.Count(h => h.Repository == hook.Repository) >= MaxHooksPerRepository)
        {
            return false;
        }

        Hooks.Add(hook);
        Unverified[hook.Name] = taughtBy;
        return true;
    }

    /// <summary>Takes back <see cref="Learn"/> (its write failed): the next delivery through the hook teaches it again.</summary>
    public void Unlearn(WebhookHook hook)
    {
        Hooks.Remove(hook);
        Unverified.Remove(hook.Name);
    }

    /// <summary>Puts <paramref name="run"/> first, in place of the one started at the same time, keeping <see cref="MaxRuns"/>.</summary>
    public void Record(RecoveryRun run)
    {
        Runs.RemoveAll(r => r.StartedAt == run.StartedAt);
        Runs.Insert(0, run);
        Runs.RemoveRange(Math.Min(Runs.Count, MaxRuns), Math.Max(0, Runs.Count - MaxRuns));
    }

    /// <summary>
    /// Ends the runs stored as running: the process that ran them stopped before they finished (a kill, an OOM, a lost
    /// node), since only the reconciler's one activation runs runs. Each is listed as failed, saying so, not as under
    /// way for ever; when it ended is not known.
    /// </summary>
    public void EndCutShort()
    {
        for (var i = 0; i < Runs.Count; i++)
        {
            if (Runs[i].Outcome == RecoveryOutcome.Running)
            {
                Runs[i] = Runs[i] with { Outcome = RecoveryOutcome.Failed, Errors = [.. Runs[i].Errors ?? [], "cut short: the process running it stopped before it finished"] };
            }
        }
    }

    /// <summary>Forgets what is older than the window: requests GitHub no longer lists the deliveries of.</summary>
    public void Forget(DateTimeOffset horizon)
    {
        foreach (var old in Requested.Where(r => r.Value.At < horizon).Select(r => r.Key).ToList())
        {
            Requested.Remove(old);
        }
    }
}
