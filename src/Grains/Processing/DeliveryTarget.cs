using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>What a delivery runs: the facts it is stamped with, and the commit its manifest is read at.</summary>
/// <param name="Stamped">
/// The delivery as it is stamped, applied and superseded: its <see cref="WebhookEvent.Ref"/> and
/// <see cref="WebhookEvent.Revision"/> are what runs (a resolved tip, a pull request's test merge).
/// </param>
/// <param name="ManifestRevision">The commit the manifest is read at: the stamped revision, or for a fork's pull request the base branch's head.</param>
/// <param name="ManifestSource">Where the manifest comes from when not from the stamped revision, said in reasons and logs; else null.</param>
public sealed record DeliveryTarget(WebhookEvent Stamped, string ManifestRevision, string? ManifestSource = null);

/// <summary>
/// Resolves what a delivery runs, from the event and what the server has now. A delivery that names only a ref (a
/// dispatch: an empty revision) runs that ref's tip, or the default branch's head when it names no ref. A pull request
/// runs its head commit, or with <c>Handler:PullRequests:Checkout=Merge</c> (except <c>closed</c>) the tip of
/// <c>refs/pull/N/merge</c> under that ref; its manifest is read at what runs when the head is in the base repository,
/// and at the base branch's head for a fork, never at the fork's commit.
/// </summary>
public sealed class DeliveryTargets(IRevisionGraph graph, PullRequestOptions pullRequests)
{
    /// <summary>What <paramref name="e"/> runs; null, and why, when the ref it names does not exist on the server.</summary>
    public async Task<(DeliveryTarget? Target, string? Missing)> ResolveAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        if (e is { Kind: EventKind.PullRequest, PullRequest: null })
        {
            // Without them it cannot be told whether the head is a fork's, whose manifest must never be read.
            throw new DeliveryRefusedException("the pull_request delivery carries no pull request facts (number, head and base)");
        }

        var (stamped, missing) = await RunsAtAsync(e, cancellationToken);
        if (stamped is null)
        {
            return (null, missing);
        }

        if (e is not { Kind: EventKind.PullRequest, PullRequest: { } pr } || !pr.IsForkOf(e.Repository))
        {
            return (new DeliveryTarget(stamped, stamped.Revision), null);
        }

        // A fork never chooses the pipeline: the base branch's manifest runs, with the fork's commit as the revision.
        var baseHead = await graph.RefTipAsync(e, Branch(pr.BaseRef, "base branch"), cancellationToken);
        var from = $"the base branch {pr.BaseRef}: the pull request's head is on {(pr.HeadRepository.Length > 0 ? pr.HeadRepository : "a deleted fork")}";
        return baseHead is null
            ? (null, $"the pull request's base branch {pr.BaseRef} does not exist")
            : (new DeliveryTarget(stamped, baseHead, from), null);
    }

    /// <summary>The delivery with the ref and revision that run; null, and why, when its ref does not exist.</summary>
    private async Task<(WebhookEvent? Stamped, string? Missing)> RunsAtAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        if (e is { Kind: EventKind.PullRequest, PullRequest: { } pr } && pullRequests.Checkout == PullRequestCheckout.Merge &&
            RefEnding.Of(e) == RefEndingKind.None)
        {
            return (await TestMergeAsync(e, pr, cancellationToken), null);
        }

        if (e.Revision.Length > 0)
        {
            return NamesAnyCommit(e) ? (await OnItsRefAsync(e, cancellationToken), null) : (e, null);
        }

        var reference = NamedRef(e);
        var tip = await graph.RefTipAsync(e, reference, cancellationToken);
        return tip is null
            ? (null, $"{reference} does not exist on the git server")
            : (e with { Revision = tip }, null);
    }

    /// <summary>
    /// An opted-in event whose payload names a commit by id (<c>deployment.sha</c>, a release's
    /// <c>target_commitish</c>): GitHub lets that be any commit it has, a fork's pull request head included. Pushes,
    /// pull requests, merge groups and check events name commits GitHub itself put there.
    /// </summary>
    private static bool NamesAnyCommit(WebhookEvent e) =>
        e.Kind is not (EventKind.Push or EventKind.Delete or EventKind.PullRequest or EventKind.MergeGroup or EventKind.CheckSuite or EventKind.CheckRun);

    /// <summary>
    /// The event, when its commit is on the ref it names (the default branch when it names none): a commit of the
    /// repository's own branches and tags, never a fork's, whose manifest would then run unapproved. Otherwise refused.
    /// </summary>
    private async Task<WebhookEvent> OnItsRefAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        var reference = NamedRef(e);
        var tip = await graph.RefTipAsync(e, reference, cancellationToken);
        return tip is not null && (tip == e.Revision || await graph.IsAncestorAsync(e with { Ref = reference }, e.Revision, tip, cancellationToken))
            ? e
            : throw new DeliveryRefusedException(
                $"{e.EventType}'s commit {e.Revision} is not on {reference}: an event that names a commit runs it only when it is on the ref it names (else the default branch), never a fork's");
    }

    /// <summary>
    /// The pull request as its test merge: <c>refs/pull/N/merge</c> at its tip now, which must contain the head commit.
    /// GitHub prepares it after each push, asynchronously, and not at all while the pull request has conflicts, so a
    /// missing or older one is transient: retried until GitHub has it, or until a newer push or <c>closed</c> supersedes
    /// the delivery. The payload's <c>merge_commit_sha</c> is not used: it is often null on <c>opened</c> and the previous
    /// head's merge on <c>synchronize</c>, and once the ref moves on the server may not hand it out.
    /// </summary>
    private async Task<WebhookEvent> TestMergeAsync(WebhookEvent e, PullRequestFacts pr, CancellationToken cancellationToken)
    {
        var merge = GitRef.PullRequestMerge(pr.Number);
        var tip = await graph.RefTipAsync(e, merge, cancellationToken)
            ?? throw new TransientException($"{merge} does not exist (yet): GitHub prepares the test merge after a push, and none while the pull request has conflicts");
        if (!await graph.IsAncestorAsync(e, e.Revision, tip, cancellationToken))
        {
            throw new TransientException($"{merge} at {tip} does not merge the head {e.Revision} (yet): GitHub prepares the test merge after a push");
        }

        return e with { Ref = merge, Revision = tip };
    }

    /// <summary>The ref <paramref name="e"/> names, or the default branch when it names none.</summary>
    private static GitRef NamedRef(WebhookEvent e) => e.Ref.IsNone ? DefaultBranch(e) : e.Ref;

    /// <summary>The repository's default branch; a name git refuses is the delivery's refusal.</summary>
    internal static GitRef DefaultBranch(WebhookEvent e) => Branch(e.Repository.DefaultBranch, "default branch");

    /// <summary>A branch a payload names; a name git refuses is the delivery's refusal.</summary>
    private static GitRef Branch(string name, string what) =>
        GitRefName.IsValidShortName(name) ? GitRef.Branch(name) : throw new DeliveryRefusedException($"the {what} '{name}' is not a branch name git accepts");
}
