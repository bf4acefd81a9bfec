using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Identity;
using K8sWebhookHandler.Grains.Inspection;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>Delivery records, dedupe retention, waiters and log messages.</summary>
public sealed partial class RepositoryGrain
{
    private void AddRecord(DeliveryRecord record)
    {
        State.History.Add(record);
        var excess = State.History.Count - options.Value.HistoryLimit;
        if (excess > 0)
        {
            var pending = State.Inbox.Select(p => p.Event.Delivery).ToHashSet();
            var removable = State.History.Where(r => !pending.Contains(r.Delivery)).Take(excess).ToHashSet();
            State.History.RemoveAll(removable.Contains);
        }
    }

    private DeliveryRecord? UpdateRecord(DeliveryId delivery, Func<DeliveryRecord, DeliveryRecord> change)
    {
        var index = State.History.FindLastIndex(r => r.Delivery == delivery);
        if (index < 0)
        {
            return null;
        }

        State.History[index] = change(State.History[index]);
        return State.History[index];
    }

    private DeliveryRecord? FindRecord(DeliveryId delivery) => State.History.FindLast(r => r.Delivery == delivery);

    private void Notify(DeliveryRecord record)
    {
        if (_waiters.TryGetValue(record.Delivery, out var list))
        {
            foreach (var waiter in list.ToArray())
            {
                waiter.TrySetResult(record);
            }

            _waiters.Remove(record.Delivery);
        }
    }

    private void ForgetOldDeliveries(DateTimeOffset now)
    {
        var settings = options.Value;
        if (State.Seen.Count < settings.MaxRememberedDeliveries && State.Seen.Count % 256 != 0)
        {
            return;
        }

        var cutoff = now - settings.DeliveryRetention;
        var keep = State.Seen.Where(s => s.Value >= cutoff)
            .OrderByDescending(s => s.Value)
            .Take(settings.MaxRememberedDeliveries - 1)
            .ToDictionary(s => s.Key, s => s.Value);
        State.Seen = keep;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate delivery {DeliveryId} for {Repository}: already seen")]
    private static partial void LogDuplicate(ILogger logger, string repository, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Repository} with {Count} pending delivery(ies)")]
    private static partial void LogResuming(ILogger logger, string repository, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository} {Ref} delivery {DeliveryId}: {State} {Reason}")]
    private static partial void LogCompleted(ILogger logger, string repository, string @ref, string deliveryId, DeliveryState state, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing delivery {DeliveryId} of {Repository} failed unexpectedly")]
    private static partial void LogProcessingError(ILogger logger, Exception exception, string repository, string deliveryId);
}
