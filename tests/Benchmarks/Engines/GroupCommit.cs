using System.Threading.Channels;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// Group commit: appends from any number of writers wait in a queue; one loop takes everything queued (at most
/// <paramref name="maxBatch"/>) and hands it to <paramref name="writeBatch"/>, which makes it durable with one
/// fsync, then completes all of them. No delay is added: a batch is what arrived while the last one was written.
/// </summary>
public sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> writeBatch, int maxBatch = 1024) : IAsyncDisposable
{
    private readonly Channel<(T Item, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(T, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<int> _batchSizes = [];
    private Task? _loop;

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_batchSizes)
            {
                return [.. _batchSizes];
            }
        }
    }

    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Queues <paramref name="item"/>; completes when the batch that holds it is durable.</summary>
    public Task AppendAsync(T item)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
        {
            throw new InvalidOperationException("the journal is closed");
        }

        return done.Task;
    }

    /// <summary>Stops taking appends and waits for those queued to be written.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<(T Item, TaskCompletionSource Done)>(maxBatch);
        var items = new List<T>(maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            items.Clear();
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                items.Add(pending.Item);
            }

            try
            {
                await writeBatch(items);
                batch.ForEach(p => p.Done.TrySetResult());
            }
            catch (Exception e)
            {
                batch.ForEach(p => p.Done.TrySetException(e));
            }

            lock (_batchSizes)
            {
                _batchSizes.Add(batch.Count);
            }
        }
    }
}
