using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>Writing the journal, and answering waiters once written.</summary>
public sealed partial class RepositoryGrain
{
    /// <summary>
    /// Writes every change made so far, with those of other requests made meanwhile. A failed write leaves memory
    /// uncertain: it is read again from storage, the truth, before anything else is answered, and the grain
    /// deactivates when idle.
    /// </summary>
    private async Task SaveAsync()
    {
        try
        {
            await Journal.SaveAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        Announce();
    }

    private async Task SaveAndNotifyAsync(List<DeliveryRecord> unsaved)
    {
        await SaveAsync();
        unsaved.ForEach(Notify);
        unsaved.Clear();
        if (Inbox.Unreported > 0)
        {
            ScheduleReports(TimeSpan.Zero);
        }
    }

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
}
