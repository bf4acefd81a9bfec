using System.Text.Json.Serialization;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Reporting;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// One change to a repository's state, as its journal keeps it: what happened and when, never the state it led to.
/// <see cref="Inbox.Apply"/> makes the change from the state before it, so the state is its snapshot with every later
/// change applied in order. What a change implies is worked out again as it is applied (the ids and refs forgotten
/// beyond the limits, the ref advanced by a completion), which keeps each record a few hundred bytes however much the
/// repository remembers.
/// </summary>
/// <param name="At">When it happened, by the repository's clock: every time the change sets or compares is this one.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "change")]
[JsonDerivedType(typeof(DeliveryAccepted), "accepted")]
[JsonDerivedType(typeof(DeliveryRequeued), "requeued")]
[JsonDerivedType(typeof(DeliveryMadeReady), "made-ready")]
[JsonDerivedType(typeof(RetryScheduled), "retry-scheduled")]
[JsonDerivedType(typeof(DeliveryCompleted), "completed")]
[JsonDerivedType(typeof(ReportQueued), "report-queued")]
[JsonDerivedType(typeof(ReportSent), "report-sent")]
[JsonDerivedType(typeof(ReportDeferred), "report-deferred")]
[JsonDerivedType(typeof(ReportDropped), "report-dropped")]
[JsonDerivedType(typeof(PullRequestApproved), "pull-request-approved")]
public abstract record RepositoryChange(DateTimeOffset At);

/// <summary>A new delivery accepted: queued, or recorded final at once as <paramref name="IgnoredAs"/>.</summary>
public sealed record DeliveryAccepted(WebhookEvent Event, DateTimeOffset At, DeliveryState? IgnoredAs = null, string? Reason = null) : RepositoryChange(At);

/// <summary>A recorded delivery queued again with a fresh retry budget: a redelivery, or an operator's retry.</summary>
public sealed record DeliveryRequeued(WebhookEvent Event, string Reason, DateTimeOffset At) : RepositoryChange(At);

/// <summary>A pending delivery made eligible now, whatever retry it waited for.</summary>
public sealed record DeliveryMadeReady(DeliveryId Delivery, DateTimeOffset At) : RepositoryChange(At);

/// <summary>An attempt that failed for now: the delivery is tried again at <paramref name="NotBefore"/>.</summary>
public sealed record RetryScheduled(DeliveryId Delivery, int Attempts, DateTimeOffset NotBefore, string? Reason, DateTimeOffset At) : RepositoryChange(At);

/// <summary>A delivery taken out of the inbox with its outcome.</summary>
public sealed record DeliveryCompleted(
    DeliveryId Delivery, DeliveryState State, string? Reason, IReadOnlyList<AppliedObject> Objects, IReadOnlyList<AppliedObject> Stopped, DateTimeOffset At)
    : RepositoryChange(At);

/// <summary>A report written down for GitHub; <paramref name="Object"/> is the Workflow it is about, if any.</summary>
public sealed record ReportQueued(DeliveryId Delivery, string? Object, CommitReport Report, string? ResourceVersion, bool Final, DateTimeOffset At)
    : RepositoryChange(At);

/// <summary>GitHub accepted the report; <paramref name="CheckRun"/> is the check run it made or updated.</summary>
public sealed record ReportSent(long Sequence, long? CheckRun, DateTimeOffset At) : RepositoryChange(At);

/// <summary>GitHub could not take the report now: it is sent again at <paramref name="NotBefore"/>.</summary>
public sealed record ReportDeferred(long Sequence, int Attempts, DateTimeOffset NotBefore, string Reason, DateTimeOffset At) : RepositoryChange(At);

/// <summary>The report is not sent: GitHub refused it, or it waited too long.</summary>
public sealed record ReportDropped(long Sequence, string Reason, DateTimeOffset At) : RepositoryChange(At);

/// <summary>A trusted author's <c>/ok-to-test</c> approved <paramref name="Sha"/>, the head commit of pull request <paramref name="Number"/>.</summary>
public sealed record PullRequestApproved(int Number, string Sha, DateTimeOffset At) : RepositoryChange(At);
