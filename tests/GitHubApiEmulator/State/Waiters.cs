namespace K8sWebhookHandler.GitHubApiEmulator.State;

/// <summary>
/// Conditions over a store's state that tests wait for, checked again whenever the store says it changed: a signal,
/// never a poll or a sleep. Conditions read the store through its own thread-safe accessors. Thread-safe.
/// </summary>
internal sealed class Waiters
{
    private readonly Lock _gate = new();
    private readonly List<(Func<bool> Holds, TaskCompletionSource Done)> _waiting = [];

    /// <summary>Completes once <paramref name="condition"/> holds; fails with <paramref name="describe"/>'s text after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var waiter = (condition, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _waiting.Add(waiter);
        }

        // Checked after registering, so that a change between the check and the registration cannot be missed.
        Recheck();
        try
        {
            await waiter.Item2.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiting.Remove(waiter);
            }

            throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {describe()}");
        }
    }

    /// <summary>Lets go every waiter whose condition now holds.</summary>
    public void Recheck()
    {
        (Func<bool> Holds, TaskCompletionSource Done)[] waiting;
        lock (_gate)
        {
            waiting = [.. _waiting];
        }

        foreach (var waiter in waiting.Where(w => w.Holds()))
        {
            lock (_gate)
            {
                _waiting.Remove(waiter);
            }

            waiter.Done.TrySetResult();
        }
    }
}
