namespace K8sWebhookHandler.Grains.Telemetry;

/// <summary>
/// The inboxes active in this process (this silo) and what each holds, for the queue gauges of
/// <see cref="HandlerMetrics"/>. Each repository grain activation tracks its own <see cref="InboxLoad"/> and publishes
/// its inbox's depth and oldest entry whenever they change; a scrape only reads what was published, so it never reads
/// a grain's state while the grain changes it.
/// </summary>
public sealed class InboxLoads(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly HashSet<InboxLoad> _active = [];

    /// <summary>Starts tracking one inbox; disposing the result stops it (the grain deactivates).</summary>
    public InboxLoad Track()
    {
        var load = new InboxLoad(this);
        lock (_gate)
        {
            _active.Add(load);
        }

        return load;
    }

    /// <summary>Deliveries waiting in all tracked inboxes.</summary>
    public long Depth
    {
        get
        {
            lock (_gate)
            {
                return _active.Sum(l => (long)l.Depth);
            }
        }
    }

    /// <summary>How long the oldest waiting delivery of all tracked inboxes has waited; zero when none waits.</summary>
    public TimeSpan OldestAge
    {
        get
        {
            DateTimeOffset? oldest;
            lock (_gate)
            {
                oldest = _active.Select(l => l.Oldest).Where(o => o is not null).Min();
            }

            return oldest is { } since && time.GetUtcNow() - since is var age && age > TimeSpan.Zero ? age : TimeSpan.Zero;
        }
    }

    internal void Remove(InboxLoad load)
    {
        lock (_gate)
        {
            _active.Remove(load);
        }
    }
}

/// <summary>What one inbox holds, as its grain last published it.</summary>
public sealed class InboxLoad : IDisposable
{
    private readonly InboxLoads _owner;
    private int _depth;
    private long _oldestTicks = long.MaxValue;

    internal InboxLoad(InboxLoads owner) => _owner = owner;

    internal int Depth => Volatile.Read(ref _depth);

    internal DateTimeOffset? Oldest => Volatile.Read(ref _oldestTicks) is var ticks && ticks != long.MaxValue ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Publishes how many deliveries wait and since when the oldest of them has (null when none waits).</summary>
    public void Publish(int depth, DateTimeOffset? oldest)
    {
        Volatile.Write(ref _depth, depth);
        Volatile.Write(ref _oldestTicks, oldest?.UtcTicks ?? long.MaxValue);
    }

    public void Dispose() => _owner.Remove(this);
}
