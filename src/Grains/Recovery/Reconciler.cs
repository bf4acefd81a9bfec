using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>
/// One reconciler run over <see cref="RecoveryState"/>, knowing nothing of Orleans. Per hook, the one reconciled
/// longest ago first: list GitHub's attempts newest first back to the hook's checkpoint (less <see cref="Overlap"/>,
/// at most <c>Window</c> back); group them by GUID; a GUID with no 2xx attempt, not refused by the handler itself, not
/// asked for already (or asked for fewer than <see cref="MaxRequestsPerDelivery"/> times, and made by GitHub and failed
/// again, or left unmade for <see cref="Patience"/>), and not recorded by its repository is asked for again, oldest
/// first, up to <c>MaxRedeliveriesPerRun</c>. Each request is saved once GitHub accepted it: a crash before the save
/// asks again, which the repository's dedupe absorbs. The checkpoint moves to the newest attempt listed (GitHub's clock)
/// only when the hook was reconciled whole: listed back to it, under the cap, and no delivery's request failed. A rate
/// limit ends the run and holds the next until GitHub allows; a failure of one delivery is that delivery's; a hook GitHub
/// does not list is forgotten.
/// </summary>
/// <param name="actsOn">
/// Whether the handler acts on events of an <c>X-GitHub-Event</c> name (<c>Handler:Events</c>); a failed delivery of any
/// other event would only be answered <c>ignored</c>, so it is not asked for. Null: every event is.
/// </param>
public sealed class Reconciler(
    RecoveryState state,
    IHookDeliveries deliveries,
    Func<RepositoryKey, DeliveryId, Task<bool>> knows,
    RecoveryOptions options,
    TimeProvider time,
    Func<Task> save,
    Func<string, bool>? actsOn = null)
{
    /// <summary>How far before the checkpoint a run looks again: attempts GitHub records late are not missed.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    /// <summary>How many times one delivery is asked for before the reconciler leaves it to an operator.</summary>
    public const int MaxRequestsPerDelivery = 3;

    /// <summary>How long a redelivery asked for may stay unmade (no newer attempt listed) before it is asked for again.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromHours(1);

    /// <summary>The most pages one hook's listing reads in a run (100 attempts each); a longer listing holds the checkpoint.</summary>
    public const int MaxPages = 500;

    /// <summary>The answers by which the handler refused a delivery for good (bad payload, signature, size): sending it again changes nothing.</summary>
    private static readonly HashSet<int> Refusals = [400, 401, 403, 404, 413, 415, 422];

    private RunTally _tally = null!;

    /// <summary>Reconciles <paramref name="hooks"/> and answers the finished run; <paramref name="progress"/> sees it as it goes.</summary>
    public async Task<RecoveryRun> RunAsync(IReadOnlyList<WebhookHook> hooks, RecoveryRun started, Action<RecoveryRun> progress, CancellationToken cancellationToken)
    {
        _tally = new RunTally(started, progress);
        if (state.NotBefore is { } notBefore && notBefore > time.GetUtcNow())
        {
            return _tally.Finish(RecoveryOutcome.RateLimited, time.GetUtcNow(), $"GitHub's rate limit holds runs until {notBefore:O}");
        }

        state.Forget(time.GetUtcNow() - options.Window - Overlap);
        foreach (var hook in hooks.OrderBy(h => state.Checkpoints.GetValueOrDefault(h.Name)))
        {
            try
            {
                await ReconcileAsync(hook, cancellationToken);
            }
            catch (TransientException e) when (e.NotBefore is { } until)
            {
                state.NotBefore = until;
                return _tally.Finish(RecoveryOutcome.RateLimited, time.GetUtcNow(), $"{hook.Name}: {e.Message}");
            }
            catch (Exception e) when (e is TransientException or DeliveryRefusedException or HookGoneException)
            {
                _tally.Error($"{hook.Name}: {e.Message}");
                if (e is HookGoneException)
                {
                    Forget(hook);
                }
            }
        }

        return _tally.Finish(_tally.Capped ? RecoveryOutcome.Capped : _tally.HasErrors ? RecoveryOutcome.Failed : RecoveryOutcome.Completed, time.GetUtcNow());
    }

    private async Task ReconcileAsync(WebhookHook hook, CancellationToken cancellationToken)
    {
        var (attempts, whole) = await ListAsync(hook, Since(hook), cancellationToken);
        if (state.Unverified.TryGetValue(hook.Name, out var taughtBy) && !attempts.Exists(a => a.Guid == taughtBy))
        {
            throw new HookGoneException($"GitHub lists no delivery {taughtBy} through hook {hook.Name}, the delivery it was learned from: not the hook that delivers here");
        }

        state.Unverified.Remove(hook.Name);
        var groups = attempts.GroupBy(a => a.Guid, StringComparer.Ordinal).ToList();
        foreach (var done in groups.Where(g => g.Any(a => a.Succeeded)))
        {
            state.Requested.Remove(done.Key);
        }

        var waiting = groups.Where(g => Recoverable(g) && Due(g)).OrderBy(g => g.Min(a => a.DeliveredAt)).ToList();
        _tally.Found(attempts.Count, waiting.Count);
        foreach (var delivery in waiting)
        {
            if (_tally.Requested >= options.MaxRedeliveriesPerRun)
            {
                _tally.Capped = true;
                return;
            }

            whole &= await TryRecoverAsync(hook, delivery, cancellationToken);
        }

        if (whole && attempts.Count > 0)
        {
            var newest = attempts.Max(a => a.DeliveredAt);
            state.Checkpoints[hook.Name] = state.Checkpoints.TryGetValue(hook.Name, out var before) && before > newest ? before : newest;
        }

        await save();
    }

    /// <summary>
    /// Never delivered (no 2xx), not refused by the handler itself (the last attempt found nobody, or a handler that could
    /// not take it then), and of an event the handler acts on.
    /// </summary>
    private bool Recoverable(IGrouping<string, HookAttempt> delivery) =>
        !delivery.Any(a => a.Succeeded) && !Refusals.Contains(delivery.MaxBy(a => a.Id)!.StatusCode) && (actsOn?.Invoke(delivery.First().Event) ?? true);

    /// <summary>
    /// How far back the hook is listed: to its checkpoint less <see cref="Overlap"/>, and further to the first delivery
    /// of a redelivery still outstanding (asked for, neither made nor given up on), but never beyond the window.
    /// </summary>
    private DateTimeOffset Since(WebhookHook hook)
    {
        var since = state.Checkpoints.TryGetValue(hook.Name, out var checkpoint) ? checkpoint - Overlap : DateTimeOffset.MinValue;
        var outstanding = state.Requested.Values.Where(r => r.Hook == hook.Name && r.Times < MaxRequestsPerDelivery).Select(r => r.DeliveredAt);
        since = outstanding.Append(since).Min();
        var horizon = time.GetUtcNow() - options.Window;
        return since > horizon ? since : horizon;
    }

    /// <summary>
    /// Not asked for yet; or asked for fewer than the most times and either made by GitHub (a newer attempt exists) and
    /// failed again, or still unmade after <see cref="Patience"/>.
    /// </summary>
    private bool Due(IGrouping<string, HookAttempt> delivery) =>
        !state.Requested.TryGetValue(delivery.Key, out var asked)
        || (asked.Times < MaxRequestsPerDelivery && (delivery.Any(a => a.Id > asked.Attempt) || time.GetUtcNow() - asked.At >= Patience));

    /// <summary>The hook's attempts back to <paramref name="since"/>, and whether the listing reached it (not stopped by <see cref="MaxPages"/>).</summary>
    private async Task<(List<HookAttempt> Attempts, bool Whole)> ListAsync(WebhookHook hook, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var attempts = new List<HookAttempt>();
        string? cursor = null;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var page = await deliveries.ListAsync(hook, cursor, cancellationToken);
            attempts.AddRange(page.Attempts.Where(a => a.DeliveredAt >= since && a.Guid.Length > 0));
            cursor = page.Next;
            if (cursor is null || page.Attempts.Count == 0 || page.Attempts.Min(a => a.DeliveredAt) < since)
            {
                return (attempts, true);
            }
        }

        _tally.Error($"{hook.Name}: more than {MaxPages} pages since the checkpoint; the next run goes on from the same one");
        return (attempts, false);
    }

    /// <summary>Recovers one delivery; false when that failed (it is counted as asked for, and the checkpoint stays).</summary>
    private async Task<bool> TryRecoverAsync(WebhookHook hook, IGrouping<string, HookAttempt> delivery, CancellationToken cancellationToken)
    {
        try
        {
            await RecoverAsync(hook, delivery, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException && !(e is TransientException { NotBefore: not null }))
        {
            _tally.Error($"{hook.Name}, delivery {delivery.Key}: {e.Message}");
            Asked(hook, delivery);
            return false;
        }
    }

    private async Task RecoverAsync(WebhookHook hook, IGrouping<string, HookAttempt> delivery, CancellationToken cancellationToken)
    {
        var latest = delivery.MaxBy(a => a.Id)!;
        var named = hook.Repository?.Value ?? await deliveries.RepositoryOfAsync(hook, latest.Id, cancellationToken);
        if (!RepositoryKey.TryParse(named, out var repository) || !DeliveryId.TryParse(delivery.Key, out var id))
        {
            // Not about a repository (an installation event, say): the handler acts on none of those.
            return;
        }

        if (await knows(repository, id))
        {
            state.Requested.Remove(delivery.Key);
            _tally.AlreadyRecorded++;
            return;
        }

        await deliveries.RedeliverAsync(hook, latest.Id, cancellationToken);
        Asked(hook, delivery);
        _tally.Asked(delivery.Key);
        await save();
    }

    private void Asked(WebhookHook hook, IGrouping<string, HookAttempt> delivery)
    {
        var times = state.Requested.TryGetValue(delivery.Key, out var before) ? before.Times + 1 : 1;
        var latest = delivery.MaxBy(a => a.Id)!;
        state.Requested[delivery.Key] = new RequestedRedelivery(hook.Name, latest.Id, time.GetUtcNow(), times, delivery.Min(a => a.DeliveredAt));
    }

    /// <summary>A hook GitHub does not list (deleted, or named by a delivery that lied) is forgotten with what was kept of it.</summary>
    private void Forget(WebhookHook hook)
    {
        state.Hooks.Remove(hook);
        state.Unverified.Remove(hook.Name);
        state.Checkpoints.Remove(hook.Name);
    }
}
