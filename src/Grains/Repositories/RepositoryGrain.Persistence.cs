using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>Writing the state through one gate, reading it again after a failed write, and answering waiters once written.</summary>
public sealed partial class RepositoryGrain
{
    /// <summary>
    /// Writes the state. A failed write leaves memory uncertain: it is read again from storage, the truth, before
    /// anything else is answered, and the grain deactivates when idle.
    /// </summary>
    private async Task SaveAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            _stateUncertain = true;
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task EnsureStateCertainAsync()
    {
        if (!_stateUncertain)
        {
            return;
        }

        await _writeGate.WaitAsync();
        try
        {
            await state.ReadStateAsync();
            _stateUncertain = false;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task SaveAndNotifyAsync(List<DeliveryRecord> unsaved)
    {
        await SaveAsync();
        unsaved.ForEach(Notify);
        unsaved.Clear();
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
