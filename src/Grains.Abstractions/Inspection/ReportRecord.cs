using K8sWebhookHandler.Abstractions.Reporting;

namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>
/// One report about a delivery's commit, as the inspection endpoint shows it: what was queued for GitHub, when, and
/// when it was sent, or why GitHub refused it.
/// </summary>
/// <param name="Sequence">Its place in the repository's outbox: reports are sent in this order.</param>
/// <param name="Context">The status context, or the check run's name.</param>
/// <param name="Sha">The commit reported on.</param>
/// <param name="Object">The object reported, <c>namespace/name</c>; null for a report about the delivery itself.</param>
/// <param name="SentAt">When GitHub accepted it; null while it waits.</param>
/// <param name="Error">Why it was not sent: GitHub refused it, or it waited too long.</param>
[GenerateSerializer, Immutable, Alias("report-record")]
public sealed record ReportRecord(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Context,
    [property: Id(2)] string Sha,
    [property: Id(3)] string? Object,
    [property: Id(4)] ReportOutcome Outcome,
    [property: Id(5)] string Description,
    [property: Id(6)] DateTimeOffset QueuedAt,
    [property: Id(7)] DateTimeOffset? SentAt = null,
    [property: Id(8)] string? Error = null);
