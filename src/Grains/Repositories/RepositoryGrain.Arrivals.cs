using K8sWebhookHandler.Grains.Telemetry;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>What an examined delivery does to the repository, in the turn it was examined in.</summary>
public sealed partial class RepositoryGrain
{
    /// <summary>Does what the arrival asks, in the turn it was examined in; true when that queued a report.</summary>
    private bool Take(Arrival arrival)
    {
        var e = arrival.Event;
        switch (arrival.Kind)
        {
            case ArrivalKind.Duplicate:
                LogDuplicate(logger, Repository, e.Delivery.Value);
                return false;
            case ArrivalKind.Replay:
                LogReplay(logger, Repository, e.Ref.Value, e.Delivery.Value, arrival.Original?.Value ?? "");
                return false;
            case ArrivalKind.Redelivery:
                Inbox.Requeue(e, "redelivered after it failed");
                metrics.RetryQueued(e.Kind, RetryTrigger.Redelivery);
                return false;
            default:
                return Accept(arrival);
        }
    }

    /// <summary>Whether accepting the arrival leaves something pending: a delivery to run, or a report to send.</summary>
    private bool NeedsReminder(Arrival arrival) => arrival.Queues || (arrival.Kind == ArrivalKind.AwaitingApproval && Reporter is not null);

    /// <summary>Accepts a delivery; one awaiting approval tells GitHub so (true then), a command says what it did.</summary>
    private bool Accept(Arrival arrival)
    {
        var record = Inbox.Accept(arrival);
        if (record.IsFinal)
        {
            metrics.DeliveryFinished(record.EventType.Kind, record.State);
        }

        switch (arrival.Kind)
        {
            case ArrivalKind.AwaitingApproval:
                LogAwaitingApproval(logger, Repository, record.Ref.Value, record.Delivery.Value, record.Reason);
                return Reporter is not null && Inbox.QueueDeliveryReport(arrival.Event, record);
            case ArrivalKind.Triggered:
                LogTriggered(logger, Repository, record.Delivery.Value, record.Reason);
                break;
        }

        return false;
    }
}
