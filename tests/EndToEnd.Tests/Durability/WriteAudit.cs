using K8sWebhookHandler.KubeApiEmulator.Diagnostics;

namespace K8sWebhookHandler.EndToEnd.Tests.Durability;

/// <summary>
/// A SIGKILL of the chaos run, and how many requests the API server had received once the process was gone: the killed
/// process sent every request before <paramref name="RequestIndex"/>, and none at or after it.
/// </summary>
public sealed record KillMark(string Target, int RequestIndex, int BackIndex = int.MaxValue)
{
    /// <summary>
    /// Whether this kill explains work done again at request <paramref name="again"/> after the first at
    /// <paramref name="first"/>: the target was down at some point between them — killed after the first, or killed
    /// before it and not yet back (Redis gone while a create is made: the create succeeds, recording it does not).
    /// </summary>
    public bool Explains(int first, int again) => RequestIndex <= again && BackIndex > first;
}

/// <summary>
/// Duplicate work, counted where it shows: per delivery, the creates and applies the API server received and what it
/// answered. Object names are derived from the delivery, so a second create never makes a second object — it is
/// answered 409 AlreadyExists — and counting objects cannot see it.
/// </summary>
/// <param name="WrittenOnce">Deliveries with exactly one successful create or apply: exactly once.</param>
/// <param name="WrittenMoreThanOnce">Deliveries with more than one successful create or apply.</param>
/// <param name="NeverWritten">Deliveries with no successful create or apply.</param>
/// <param name="FailedBeforeSuccess">Writes answered with an error before a delivery's first successful one.</param>
/// <param name="Repeats">Writes after a delivery's first successful one that were answered 409 AlreadyExists and
/// came after a kill: work done again because a process died.</param>
/// <param name="UnexplainedRepeats">Writes after a delivery's first successful one that were not answered 409, or
/// with no kill since that first one: duplicate work nothing excuses.</param>
/// <param name="Rechecks">Deliveries processed again after a kill that followed their create: the object was read
/// (found), so nothing was written again.</param>
/// <param name="UnexplainedRechecks">Deliveries whose object was read again after its create with no kill in between:
/// processed twice although no process died.</param>
public sealed record WriteAudit(
    int WrittenOnce,
    int WrittenMoreThanOnce,
    int NeverWritten,
    int FailedBeforeSuccess,
    IReadOnlyList<string> Repeats,
    IReadOnlyList<string> UnexplainedRepeats,
    IReadOnlyList<string> Rechecks,
    IReadOnlyList<string> UnexplainedRechecks)
{
    /// <summary>Audits the writes for <paramref name="deliveries"/> in the request log against the kills of the run.</summary>
    public static WriteAudit Of(IReadOnlyList<RecordedRequest> requests, IEnumerable<string> deliveries, IReadOnlyList<KillMark> kills)
    {
        var byDelivery = KubernetesWrites.ByDelivery(requests);
        var (once, more, never, failed) = (0, 0, 0, 0);
        var repeats = new List<string>();
        var unexplained = new List<string>();
        var (rechecks, unexplainedRechecks) = (new List<string>(), new List<string>());
        foreach (var delivery in deliveries)
        {
            var writes = byDelivery.GetValueOrDefault(delivery) ?? [];
            var successes = writes.Count(w => w.Succeeded);
            (once, more, never) = successes switch
            {
                0 => (once, more, never + 1),
                1 => (once + 1, more, never),
                _ => (once, more + 1, never),
            };
            if (writes.FirstOrDefault(w => w.Succeeded) is not { } first)
            {
                failed += writes.Count;
                continue;
            }

            failed += writes.Count(w => w.Index < first.Index);
            if (Rechecked(requests, first, kills) is { } recheck)
            {
                (recheck.AfterAKill ? rechecks : unexplainedRechecks).Add($"{delivery}: {first}, then {recheck.Reads}");
            }

            foreach (var again in writes.Where(w => w.Index > first.Index))
            {
                var kill = kills.FirstOrDefault(k => k.Explains(first.Index, again.Index));
                var description = $"{delivery}: {first}, then {again}";
                if (again.AlreadyExisted && kill is not null)
                {
                    repeats.Add($"{description}, after SIGKILL {kill.Target} at #{kill.RequestIndex}");
                }
                else
                {
                    unexplained.Add(kill is null ? $"{description} with no kill between them" : $"{description}: not answered 409 AlreadyExists");
                }
            }
        }

        return new WriteAudit(once, more, never, failed, repeats, unexplained, rechecks, unexplainedRechecks);
    }

    /// <summary>The reads that found an object after it was created, and whether a kill came first; null if none.</summary>
    private static (string Reads, bool AfterAKill)? Rechecked(IReadOnlyList<RecordedRequest> requests, KubernetesWrite created, IReadOnlyList<KillMark> kills)
    {
        var reads = Enumerable.Range(created.Index + 1, requests.Count - created.Index - 1)
            .Where(i => requests[i].Method == "GET" && requests[i].StatusCode == 200 && requests[i].Path == created.ObjectPath)
            .ToList();
        if (reads.Count == 0)
        {
            return null;
        }

        var kill = kills.FirstOrDefault(k => k.Explains(created.Index, reads[0]));
        return ($"read {reads.Count}× (first #{reads[0]}), {(kill is null ? "with no kill between" : $"after SIGKILL {kill.Target} at #{kill.RequestIndex}")}", kill is not null);
    }

    public override string ToString() =>
        $"written once {WrittenOnce}, more than once {WrittenMoreThanOnce}, never {NeverWritten}; failed before success {FailedBeforeSuccess}; " +
        $"repeated after a kill (answered 409) {Repeats.Count}; unexplained repeats {UnexplainedRepeats.Count}; " +
        $"processed again after a kill {Rechecks.Count}; processed again with no kill {UnexplainedRechecks.Count}";
}
