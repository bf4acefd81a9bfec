using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>
/// One reconciler run over <see cref="RecoveryState"/>, knowing nothing of Orleans. Per hook: list GitHub's attempts
/// newest first back to the hook's checkpoint (less <see cref="Overlap"/>, at most <c>Window</c> back); group them by
/// GUID; a GUID with no 2xx attempt, not asked for already (or asked for, fewer than <see cref="MaxRequestsPerDelivery"/>
/// times, and made by GitHub and failed again, or left unmade for <see cref="Patience"/>), and not recorded by its repository is asked for again, oldest first, up
/// to <c>MaxRedeliveriesPerRun</c>. Each request is saved once GitHub accepted it: a crash before the save asks again,
/// which the repository's dedupe absorbs. The checkpoint moves to the run's start only when the hook was reconciled
/// whole. A rate limit ends the run; another failure ends the hook's part of it.
/// </summary>
public sealed class Reconciler(
    RecoveryState state, IHookDeliveries deliveries, Func<RepositoryKey, DeliveryId, Task<bool>> knows, RecoveryOptions options, TimeProvider time, Func<Task> save)
{
    /// <summary>How far before the checkpoint a run looks again: attempts GitHub records late are not missed.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    /// <summary>How many times one delivery is asked for before the reconciler leaves it to an operator.</summary>
    public const int MaxRequestsPerDelivery = 3;

    /// <summary>How long a redelivery asked for may stay unmade (no newer attempt listed) before it is asked for again.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromHours(1);

    /// <summary>The most pages one hook's listing reads in a run (100 attempts each).</summary>
    public const int MaxPages = 500;

    private RunTally _tally = null!;

    /// <summary>Reconciles <paramref name="hooks"/> in order and answers the finished run; <paramref name="progress"/> sees it as it goes.</summary>
    public async Task<RecoveryRun> RunAsync(IReadOnlyList<WebhookHook> hooks, RecoveryRun started, Action<RecoveryRun> progress, CancellationToken cancellationToken)
    {
        _tally = new RunTally(started, progress);
        state.Forget(time.GetUtcNow() - options.Window - Overlap);
        foreach (var hook in hooks)
        {
            try
            {
                await ReconcileAsync(hook, started.StartedAt, cancellationToken);
            }
            catch (TransientException e) when (e.NotBefore is not null)
            {
                return _tally.Finish(RecoveryOutcome.RateLimited, time.GetUtcNow(), $"{hook.Name}: {e.Message}");
            }
            catch (Exception e) when (e is TransientException or DeliveryRefusedException or HookGoneException)
            {
                _tally.Error($"{hook.Name}: {e.Message}");
                if (e is HookGoneException && state.Hooks.Remove(hook))
                {
                    // GitHub knows no such hook (deleted, or named by a payload that lied): it is forgotten.
                    state.Checkpoints.Remove(hook.Name);
                }
            }
        }

        return _tally.Finish(_tally.Capped ? RecoveryOutcome.Capped : _tally.HasErrors ? RecoveryOutcome.Failed : RecoveryOutcome.Completed, time.GetUtcNow());
    }

    private async Task ReconcileAsync(WebhookHook hook, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var attempts = await ListAsync(hook, Since(hook), cancellationToken);
        var deliveries = attempts.GroupBy(a => a.Guid, StringComparer.Ordinal).ToList();
        foreach (var done in deliveries.Where(g => g.Any(a => a.Succeeded)))
        {
            state.Requested.Remove(done.Key);
        }

        var waiting = deliveries.Where(g => !g.Any(a => a.Succeeded) && Due(g)).OrderBy(g => g.Min(a => a.DeliveredAt)).ToList();
        _tally.Found(attempts.Count, waiting.Count);
        foreach (var delivery in waiting)
        {
            if (_tally.Requested >= options.MaxRedeliveriesPerRun)
            {
                _tally.Capped = true;
                return;
            }

            await RecoverAsync(hook, delivery, cancellationToken);
        }

        state.Checkpoints[hook.Name] = startedAt;
        await save();
    }

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

    private async Task<List<HookAttempt>> ListAsync(WebhookHook hook, DateTimeOffset since, CancellationToken cancellationToken)
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
                break;
            }
        }

        return attempts;
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
        var times = state.Requested.TryGetValue(delivery.Key, out var before) ? before.Times + 1 : 1;
        state.Requested[delivery.Key] = new RequestedRedelivery(hook.Name, latest.Id, time.GetUtcNow(), times, delivery.Min(a => a.DeliveredAt));
        _tally.Asked(delivery.Key);
        await save();
    }
}
