namespace K8sWebhookHandler.GitHubApiEmulator.Diagnostics;

/// <summary>
/// Every request the emulator has served, in arrival order. Tests wait on it by a condition, which is checked again
/// whenever a request arrives or is answered: a signal, never a poll or a sleep.
/// </summary>
public sealed class RequestLog
{
    /// <summary>The safety net of the waits when a test names none: generous, for a busy two-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<Waiter> _waiters = [];

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    /// <summary>Every violation of the description by a request so far, with the request it was in.</summary>
    public IReadOnlyList<(RecordedRequest Request, Description.Violation Violation)> Violations() =>
        Snapshot().SelectMany(r => r.Violations.Select(v => (r, v))).ToArray();

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>
    /// The first request that matches, once it has been answered (at once if one already has). Fails with the log in
    /// the message when <paramref name="timeout"/> (default <see cref="DefaultTimeout"/>) runs out.
    /// </summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, TimeSpan? timeout = null)
    {
        RecordedRequest? found = null;
        await WaitUntilAsync(all => (found = all.FirstOrDefault(r => r.StatusCode != 0 && match(r))) is not null, timeout);
        return found!;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the whole log (answered or not).</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<RecordedRequest>, bool> condition, TimeSpan? timeout = null)
    {
        var waiter = new Waiter(condition);
        lock (_gate)
        {
            if (condition(_requests))
            {
                return;
            }

            _waiters.Add(waiter);
        }

        var limit = timeout ?? DefaultTimeout;
        try
        {
            await waiter.Holds.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            throw new TimeoutException($"no such request within {limit.TotalSeconds:0} s; the log: {string.Join(" | ", Snapshot())}");
        }
    }

    internal void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }

        Recheck();
        request.Completed.ContinueWith(_ => Recheck(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Recheck()
    {
        Waiter[] held;
        lock (_gate)
        {
            held = _waiters.Where(w => w.Condition(_requests)).ToArray();
            _waiters.RemoveAll(held.Contains);
        }

        foreach (var waiter in held)
        {
            waiter.Holds.TrySetResult();
        }
    }

    private sealed record Waiter(Func<IReadOnlyList<RecordedRequest>, bool> Condition)
    {
        public TaskCompletionSource Holds { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
