using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>What processing one delivery came to.</summary>
/// <param name="State">The outcome; <see cref="DeliveryState.Queued"/> with <paramref name="Transient"/> means try again.</param>
/// <param name="Revision">The commit the manifest was read at, when one was read.</param>
public sealed record ProcessingResult(DeliveryState State, string? Reason, IReadOnlyList<AppliedObject> Objects, string? Revision, bool Transient = false)
{
    /// <summary>Older objects of the ref that were stopped or deleted because this delivery superseded them.</summary>
    public IReadOnlyList<AppliedObject> Stopped { get; init; } = [];

    /// <summary>The applied objects whose phase is reported to GitHub, with their contexts.</summary>
    public IReadOnlyList<ReportedObject> Reported { get; init; } = [];

    public static ProcessingResult Retry(string reason) => new(DeliveryState.Queued, reason, [], null, Transient: true);

    public static ProcessingResult Final(DeliveryState state, string? reason, string? revision = null) => new(state, reason, [], revision);
}
