using FASTER.core;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// FasterLog (Microsoft.FASTER.Core): writers enqueue and then wait for a commit that covers their record; one
/// committer loop commits whenever the tail has moved, so one commit (a flush of the log's tail page and of the
/// commit metadata) covers every record enqueued since the last.
/// </summary>
public sealed class FasterLogJournal(string directory) : IJournalEngine
{
    public static readonly JournalEngine Engine = new("FasterLog (Microsoft.FASTER.Core 2.6.5)",
        "EnqueueAsync, then WaitForCommitAsync; one CommitAsync per batch: the log's tail, with the commit record in it " +
        "(fast commit), written through a file opened O_SYNC",
        "Log segment files (journal.log.0, .1, … of 1 GB each) and a commit metadata file, rewritten every 1,000th commit " +
        "(by default every commit: a file create and a delete each time, half the speed). Compaction: TruncateUntil(address) " +
        "after a snapshot; whole segments before it are deleted. In process, managed code only; per-entry checksums " +
        "(needed for fast commit) make a torn tail detectable. Recovery scans forward from the last commit file.",
        d => new FasterLogJournal(d));

    private readonly List<int> _batchSizes = [];
    private readonly SemaphoreSlim _enqueued = new(0);
    private FasterLogSettings? _settings;
    private FasterLog? _log;
    private CancellationTokenSource? _stop;
    private Task? _committer;
    private long _appended;

    public IReadOnlyList<int>? BatchSizes
    {
        get
        {
            lock (_batchSizes)
            {
                return [.. _batchSizes];
            }
        }
    }

    public async Task OpenAsync()
    {
        Directory.CreateDirectory(directory);
        _settings = new FasterLogSettings
        {
            LogDevice = Devices.CreateLogDevice(Path.Combine(directory, "journal.log")),
            // Fast commit: a commit is a record in the log itself (one O_SYNC write per batch); the commit metadata file,
            // which costs a file create and a delete, is written only every 1,000th commit.
            LogChecksum = LogChecksumType.PerEntry,
            FastCommitMode = true,
            LogCommitManager = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(),
                new DefaultCheckpointNamingScheme(Path.Combine(directory, "commits")), removeOutdated: true, fastCommitThrottleFreq: 1000),
            PageSizeBits = 20,
            MemorySizeBits = 24,
            SegmentSizeBits = 30,
        };
        _log = await FasterLog.CreateAsync(_settings);
        _stop = new CancellationTokenSource();
        _committer = Task.Run(CommitLoopAsync);
    }

    public async Task AppendAsync(int stream, byte[] record)
    {
        var address = await _log!.EnqueueAsync(record);
        Interlocked.Increment(ref _appended);
        _enqueued.Release();
        await _log.WaitForCommitAsync(address + 1);
    }

    public Task<long> ReadAllAsync()
    {
        using var iterator = _log!.Scan(_log.BeginAddress, _log.TailAddress);
        long count = 0;
        while (iterator.GetNext(out _, out _, out _))
        {
            count++;
        }

        return Task.FromResult(count);
    }

    public async Task CloseAsync()
    {
        if (_stop is not null && _committer is not null)
        {
            await _stop.CancelAsync();
            await _committer;
            _stop.Dispose();
            (_stop, _committer) = (null, null);
        }

        _log?.Dispose();
        _settings?.LogDevice.Dispose();
        (_log, _settings) = (null, null);
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    /// <summary>Waits for an enqueue, then commits everything enqueued so far in one commit.</summary>
    private async Task CommitLoopAsync()
    {
        long committed = 0;
        try
        {
            while (true)
            {
                await _enqueued.WaitAsync(_stop!.Token);
                while (_enqueued.Wait(0))
                {
                    // Every enqueue so far is covered by the commit below.
                }

                var upTo = Interlocked.Read(ref _appended);
                await _log!.CommitAsync();
                lock (_batchSizes)
                {
                    _batchSizes.Add((int)(upTo - committed));
                }

                committed = upTo;
            }
        }
        catch (OperationCanceledException)
        {
            await _log!.CommitAsync();
        }
    }
}
