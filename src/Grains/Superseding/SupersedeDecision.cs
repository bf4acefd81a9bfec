using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>Why a push does not run: <see cref="DeliveryState.Stale"/> or <see cref="DeliveryState.Superseded"/>, and the reason recorded.</summary>
public sealed record SupersedeDecision(DeliveryState State, string Reason)
{
    /// <summary>What it pushes is already applied, or behind what is.</summary>
    public static SupersedeDecision Stale(string reason) => new(DeliveryState.Stale, reason);

    /// <summary>A newer push (or the branch's deletion) is already waiting behind it.</summary>
    public static SupersedeDecision Superseded(string reason) => new(DeliveryState.Superseded, reason);
}
