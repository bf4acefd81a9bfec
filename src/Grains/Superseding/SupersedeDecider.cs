using System.Text.RegularExpressions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>
/// Decides by git, not by arrival, whether a push to a branch (or to a pull request, under <c>refs/pull/N/head</c>)
/// should run: it is <c>stale</c> when what it pushes is already applied or behind it, and <c>superseded</c> when a
/// newer push for the ref, or the ref's end (a deletion, the pull request closed), is already waiting. Only such pushes
/// take part; tags, deletions, check events, merge groups, other events and re-runs always run. It also says which
/// deliveries stop their ref's older work once applied.
/// </summary>
public sealed class SupersedeDecider(IRevisionGraph graph, IOptions<SupersedeOptions> options)
{
    private readonly Regex _refs = new(options.Value.Refs, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Null when the push should run; otherwise its final outcome.</summary>
    /// <param name="push">The delivery at the head of the inbox.</param>
    /// <param name="applied">What was last applied for its ref, if anything.</param>
    /// <param name="waiting">Deliveries that arrived after it and wait behind it, in arrival order.</param>
    /// <param name="cancellationToken">Cancels the questions to git.</param>
    public async Task<SupersedeDecision?> DecideAsync(WebhookEvent push, RefRecord? applied, IEnumerable<WebhookEvent> waiting, CancellationToken cancellationToken)
    {
        if (!TakesPart(push))
        {
            return null;
        }

        try
        {
            if (applied is not null && applied.LastRevision != WebhookEvent.ZeroRevision && MovesTheRef(push) &&
                await AgainstAppliedAsync(push, applied, cancellationToken) is { } stale)
            {
                return stale;
            }

            return await AgainstWaitingAsync(push, waiting, cancellationToken);
        }
        catch (DeliveryRefusedException)
        {
            // Git may not be asked about this push at all (its remote is refused): the processor records the refusal.
            return null;
        }
    }

    /// <summary>
    /// Whether this event takes part in superseding: a push (not a deletion) or a pull request's run (any action but
    /// <c>closed</c>) to a ref the policy covers, as GitHub sent it; an operator's re-run of a delivery runs as asked
    /// and stops nothing.
    /// </summary>
    public bool TakesPart(WebhookEvent e) =>
        (e.Kind == EventKind.Push || (e.Kind == EventKind.PullRequest && RefEnding.Of(e) == RefEndingKind.None)) &&
        e.Rerun == 0 && !e.IsDeletion && !e.Ref.IsTag && !e.Ref.IsNone && _refs.IsMatch(e.Ref.Value);

    /// <summary>
    /// Whether the ref's older work is stopped once this delivery is applied: a push that takes part, and the end of a
    /// ref, whatever <c>Handler:Supersede:Refs</c> says: a branch's deletion, a pull request closed, a merge group
    /// destroyed (whose running workflows go with it). A tag's deletion stops nothing.
    /// </summary>
    public bool StopsOlderWork(WebhookEvent e) => RefEnding.Of(e) switch
    {
        RefEndingKind.Deletion => e.Ref.IsBranch,
        RefEndingKind.None => TakesPart(e),
        _ => true,
    };

    /// <summary>
    /// Whether the delivery is a push, which is stale when what it pushes is already applied: a branch push, or a pull
    /// request's <c>synchronize</c>. <c>opened</c>, <c>reopened</c> and <c>ready_for_review</c> run their head commit even
    /// when it ran before (a reopened pull request whose workflows <c>closed</c> stopped, a draft made ready).
    /// </summary>
    private static bool MovesTheRef(WebhookEvent e) => e.Kind == EventKind.Push || e.Action == Synchronize;

    private const string Synchronize = "synchronize";

    private async Task<SupersedeDecision?> AgainstWaitingAsync(WebhookEvent push, IEnumerable<WebhookEvent> waiting, CancellationToken cancellationToken)
    {
        foreach (var later in waiting.Where(w => w.Ref == push.Ref && (TakesPart(w) || RefEnding.Of(w) != RefEndingKind.None)))
        {
            switch (RefEnding.Of(later))
            {
                case RefEndingKind.Deletion:
                    return SupersedeDecision.Superseded($"the branch was deleted (delivery {later.Delivery})");
                case RefEndingKind.PullRequestClosed:
                    return SupersedeDecision.Superseded($"the pull request was closed (delivery {later.Delivery})");
                case RefEndingKind.MergeGroupDestroyed:
                    return SupersedeDecision.Superseded($"the merge group was destroyed (delivery {later.Delivery})");
            }

            if (later.Before == push.Revision || await graph.IsAncestorAsync(push, push.Revision, later.Revision, cancellationToken))
            {
                return SupersedeDecision.Superseded($"superseded by {later.Revision} (delivery {later.Delivery})");
            }
        }

        return null;
    }

    private async Task<SupersedeDecision?> AgainstAppliedAsync(WebhookEvent push, RefRecord applied, CancellationToken cancellationToken)
    {
        var tip = applied.LastRevision;
        if (push.Revision == tip)
        {
            return SupersedeDecision.Stale($"{tip} is already applied (delivery {applied.LastDelivery})");
        }

        if (push.Before == tip || await graph.IsAncestorAsync(push, tip, push.Revision, cancellationToken))
        {
            return null;
        }

        if (await graph.IsAncestorAsync(push, push.Revision, tip, cancellationToken))
        {
            return SupersedeDecision.Stale($"{push.Revision} is an ancestor of the applied {tip}");
        }

        // Unrelated history (a force-push whose before the handler never saw): newer only if it is what the ref is now.
        return await graph.RefTipAsync(push, push.Ref, cancellationToken) == push.Revision
            ? null
            : SupersedeDecision.Stale($"{push.Revision} is unrelated to the applied {tip} and is not the tip of {push.Ref}");
    }
}
