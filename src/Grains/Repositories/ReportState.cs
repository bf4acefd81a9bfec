using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Reporting;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>A report written down and waiting to be sent, with its retry bookkeeping.</summary>
/// <param name="Sequence">Its place in the outbox: reports are sent in this order, so a context's last report is its true state.</param>
/// <param name="Delivery">The delivery whose commit it is about.</param>
/// <param name="Object">The Workflow it is about (<c>namespace/name</c>); null for the delivery's own outcome.</param>
public sealed record OutboxEntry(
    long Sequence, DeliveryId Delivery, string? Object, CommitReport Report, DateTimeOffset QueuedAt,
    int Attempts = 0, DateTimeOffset NotBefore = default, string? LastError = null);

/// <summary>
/// A Workflow whose phase is reported: where its reports go and what was last queued for it, so that only changes are
/// sent. A superseded Workflow is <paramref name="Final"/>: the phase Argo gives it when stopped is not reported.
/// </summary>
/// <param name="ResourceVersion">The version of the object last reported, when known: an older one seen later is stale.</param>
/// <param name="CheckRun">The check run GitHub made for it (an App's reports), which later reports update.</param>
public sealed record ObjectReport(
    DeliveryId Delivery, string Sha, string Context, long? Installation, string? TargetUrl,
    ReportOutcome Outcome, string Description, string? ResourceVersion = null, long? CheckRun = null, bool Final = false);
