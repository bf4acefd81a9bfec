using System.Diagnostics;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// The trace each queued delivery belongs to, kept in the activation's memory from its acceptance until its outcome, so
/// that the drain loop's attempts, however much later they run, join the trace its webhook request started. Not stored:
/// a delivery resumed by a new activation (after a restart, or on another silo) starts a trace of its own. At most
/// <see cref="Capacity"/> are kept; beyond that the oldest is forgotten.
/// </summary>
internal sealed class DeliveryTraces
{
    /// <summary>How many deliveries' traces are kept at most.</summary>
    public const int Capacity = 4096;

    private readonly Dictionary<DeliveryId, ActivityContext> _contexts = [];
    private readonly Queue<DeliveryId> _order = new();

    /// <summary>Keeps <paramref name="context"/> as <paramref name="delivery"/>'s trace, unless it names none.</summary>
    public void Remember(DeliveryId delivery, ActivityContext context)
    {
        if (context == default)
        {
            return;
        }

        if (_contexts.TryAdd(delivery, context))
        {
            _order.Enqueue(delivery);
        }
        else
        {
            _contexts[delivery] = context;
        }

        while (_contexts.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _contexts.Remove(oldest);
        }
    }

    /// <summary>The trace <paramref name="delivery"/> belongs to; <c>default</c> (a new trace) when none is known.</summary>
    public ActivityContext Of(DeliveryId delivery) => _contexts.GetValueOrDefault(delivery);

    /// <summary>Forgets <paramref name="delivery"/>'s trace once it has its outcome.</summary>
    public void Forget(DeliveryId delivery) => _contexts.Remove(delivery);
}
