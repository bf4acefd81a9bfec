using System.Text.Json.Serialization;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>
/// One delivery and what became of it; <see cref="Stopped"/> lists older objects it superseded. With
/// <see cref="Before"/>, <see cref="Deleted"/> and the repository's facts it is enough to run the delivery again.
/// <see cref="Reports"/> says what GitHub was told about its commit (the newest kept), once reporting is configured.
/// </summary>
[GenerateSerializer, Immutable, Alias("delivery-record")]
public sealed record DeliveryRecord(
    [property: Id(0)] DeliveryId Delivery,
    [property: Id(1)] EventType EventType,
    [property: Id(2)] string Action,
    [property: Id(3)] GitRef Ref,
    [property: Id(4)] string Revision,
    [property: Id(5)] DateTimeOffset ReceivedAt,
    [property: Id(6)] DeliveryState State,
    [property: Id(7)] string? Reason,
    [property: Id(8)] int Attempts,
    [property: Id(9)] IReadOnlyList<AppliedObject> Objects,
    [property: Id(10)] DateTimeOffset? CompletedAt,
    [property: Id(11)] IReadOnlyList<AppliedObject>? Stopped = null,
    [property: Id(12)] string Before = "",
    [property: Id(13)] bool Deleted = false,
    [property: Id(14)] int Rerun = 0,
    [property: Id(15), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReportRecord>? Reports = null)
{
    /// <summary>The pull request a <c>pull_request</c> delivery is about, kept so that it can be run again.</summary>
    [Id(16)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PullRequestFacts? PullRequest { get; init; }

    /// <summary>A <c>repository_dispatch</c>'s <c>client_payload</c>, kept so that it can be run again.</summary>
    [Id(17)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientPayload { get; init; }

    public bool IsFinal => State != DeliveryState.Queued;
}
