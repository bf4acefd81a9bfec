using System.Collections.Concurrent;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>
/// Stands in for git and Kubernetes in cluster tests: records every call, how many ran at once per
/// repository, and answers what the test scripts, optionally holding a delivery until the test releases it.
/// </summary>
public sealed class ScriptedProcessor : IDeliveryProcessor
{
    private readonly ConcurrentDictionary<string, int> _running = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();
    private readonly ConcurrentQueue<WebhookEvent> _calls = new();
    private readonly ConcurrentDictionary<WebhookEvent, bool> _inProgress = new();
    private int _maxConcurrentInOneRepository;
    private int _maxConcurrentOverall;
    private int _overall;

    /// <summary>What to answer for a delivery; applied with no objects by default.</summary>
    public Func<WebhookEvent, int, ProcessingResult> Answer { get; set; } =
        (e, _) => new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

    public IReadOnlyList<WebhookEvent> Calls => _calls.ToArray();

    public int MaxConcurrentInOneRepository => _maxConcurrentInOneRepository;

    public int MaxConcurrentOverall => _maxConcurrentOverall;

    /// <summary>The deliveries of <paramref name="repository"/> being processed at this moment.</summary>
    public IReadOnlyList<Abstractions.Identity.DeliveryId> RunningIn(string repository) =>
        _inProgress.Keys.Where(e => e.Repository.FullName == repository).Select(e => e.Delivery).ToList();

    /// <summary>The next processing of this delivery waits until <see cref="Release"/>.</summary>
    public void Hold(string delivery) => _holds[delivery] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string delivery) => _holds[delivery].TrySetResult();

    /// <summary>Completes when processing of the delivery has started.</summary>
    public Task Started(string delivery) => _started.GetOrAdd(delivery, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async Task<ProcessingResult> ProcessAsync(WebhookEvent webhookEvent, RefRecord? previous, CancellationToken cancellationToken)
    {
        var repository = webhookEvent.Repository.FullName;
        var inRepository = _running.AddOrUpdate(repository, 1, (_, n) => n + 1);
        var overall = Interlocked.Increment(ref _overall);
        Raise(ref _maxConcurrentInOneRepository, inRepository);
        Raise(ref _maxConcurrentOverall, overall);
        var attempt = _calls.Count(c => c.Delivery == webhookEvent.Delivery) + 1;
        _calls.Enqueue(webhookEvent);
        _inProgress[webhookEvent] = true;
        _started.GetOrAdd(webhookEvent.Delivery.Value, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        try
        {
            if (_holds.TryGetValue(webhookEvent.Delivery.Value, out var hold))
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            return Answer(webhookEvent, attempt);
        }
        finally
        {
            _inProgress.TryRemove(webhookEvent, out _);
            _running.AddOrUpdate(repository, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref _overall);
        }
    }

    private static void Raise(ref int max, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref max)) < value && Interlocked.CompareExchange(ref max, value, seen) != seen)
        {
        }
    }
}
