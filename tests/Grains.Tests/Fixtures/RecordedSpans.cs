using System.Collections.Concurrent;
using System.Diagnostics;
using K8sWebhookHandler.Abstractions.Diagnostics;

namespace K8sWebhookHandler.Grains.Tests.Fixtures;

/// <summary>
/// Records the spans that end while it listens: the handler's, and Orleans' grain calls (which carry the trace across a
/// call, as the hosts export them). Listening is process-wide, so a test picks its own spans out by delivery or trace.
/// </summary>
public sealed class RecordedSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Seen)> _waiters = [];

    public RecordedSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is HandlerActivities.SourceName or "Microsoft.Orleans.Application",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The handler's spans that ended, in the order they ended.</summary>
    public IReadOnlyList<Activity> Handler => _stopped.Where(a => a.Source.Name == HandlerActivities.SourceName).ToList();

    /// <summary>The first span that ended matching <paramref name="match"/>, awaited for up to <paramref name="timeout"/>.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_stopped.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            _waiters.Add((match, seen));
        }

        return await seen.Task.WaitAsync(timeout);
    }

    private void Stopped(Activity activity)
    {
        lock (_waiters)
        {
            _stopped.Enqueue(activity);
            foreach (var waiter in _waiters.Where(w => w.Match(activity)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult(activity);
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
