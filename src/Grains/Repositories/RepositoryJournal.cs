using System.Text.Json;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// A repository's state in memory and its journal in storage. The inbox tells it of every change
/// (<see cref="Changed"/>); <see cref="SaveAsync"/> writes what is not written yet. Writes never overlap: changes made
/// while one is written wait for it and then go together in the next, so concurrent deliveries to one repository
/// share one append (and one fsync) instead of queueing one behind another. After at least <see cref="SnapshotEvery"/>
/// changes, once they add up to as many bytes as the last snapshot, the whole state is written instead and replaces
/// what came before it: a snapshot then costs, spread over the changes before it, at most about what they cost
/// themselves, however large the state.
/// </summary>
/// <remarks>
/// A failed write makes memory <see cref="Uncertain"/>: changes may be in memory that are not in storage, or be in
/// storage though the write reported a failure. Nothing more is written, and every save waiting then fails, until
/// <see cref="ReadAsync"/> has replaced memory with what storage holds; <see cref="Epoch"/> counts those reads, so a
/// caller can tell that the state it worked on was replaced.
/// </remarks>
public sealed class RepositoryJournal(string stream, IJournalStore store, LegacyState legacy, DeliveryOptions options)
{
    /// <summary>The fewest changes appended before the whole state is written instead.</summary>
    public const int SnapshotEvery = 256;

    private readonly List<RepositoryChange> _unsaved = [];
    private long _recorded;
    private long _durable;
    private int _sinceSnapshot;
    private long _bytesSinceSnapshot;
    private long _snapshotBytes;
    private bool _migrating;
    private Task? _write;
    private Task? _read;

    /// <summary>The state, with every change made so far, written or not.</summary>
    public RepositoryState State { get; private set; } = new();

    /// <summary>Whether memory may differ from storage because a write failed.</summary>
    public bool Uncertain { get; private set; }

    /// <summary>How many changes the journal holds, written or not: it grows with every change, across activations.</summary>
    public long Version => _recorded;

    /// <summary>How many times memory was read from storage.</summary>
    public int Epoch { get; private set; }

    /// <summary>Notes a change made to <see cref="State"/>, to be written by the next <see cref="SaveAsync"/>.</summary>
    public void Changed(RepositoryChange change)
    {
        _unsaved.Add(change);
        _recorded++;
    }

    /// <summary>
    /// Replaces memory with storage: the snapshot with the entries after it applied in order. A repository with no
    /// journal yet starts from its state in the storage of earlier versions, if any, which the first write migrates.
    /// Concurrent callers share one read.
    /// </summary>
    public Task ReadAsync() => _read is { IsCompleted: false } ? _read : _read = ReadOnceAsync();

    /// <summary>Reads storage again when a failed write left memory uncertain.</summary>
    public Task EnsureCertainAsync() => Uncertain ? ReadAsync() : Task.CompletedTask;

    /// <summary>Returns once every change made before the call is durable; throws when a write failed meanwhile.</summary>
    /// <exception cref="InvalidOperationException">Memory became uncertain, or was read again, before the changes were written.</exception>
    public async Task SaveAsync()
    {
        var (target, epoch) = (_recorded, Epoch);
        while (_durable < target || epoch != Epoch)
        {
            if (Uncertain || epoch != Epoch)
            {
                throw new InvalidOperationException($"an earlier write of {stream} failed: its state is read again before anything more is written");
            }

            if (_write is null || _write.IsCompleted)
            {
                _write = WriteAsync();
            }

            await _write;
        }
    }

    private async Task ReadOnceAsync()
    {
        var read = await store.ReadAsync(stream, CancellationToken.None);
        var state = read.Snapshot is { } snapshot ? JsonSerializer.Deserialize<RepositoryState>(snapshot, StateJson.Options)! : new RepositoryState();
        _migrating = false;
        if (read.Version == 0 && await legacy.ReadAsync() is { } earlier)
        {
            (state, _migrating) = (earlier, true);
        }

        var inbox = new Inbox(() => state, options, TimeProvider.System);
        foreach (var entry in read.Entries)
        {
            inbox.Apply(JsonSerializer.Deserialize<RepositoryChange>(entry, StateJson.Options)!);
        }

        State = state;
        _unsaved.Clear();
        (_recorded, _durable, _sinceSnapshot) = (read.Version, read.Version, read.Entries.Count);
        (_bytesSinceSnapshot, _snapshotBytes) = (read.Entries.Sum(e => (long)e.Length), read.Snapshot?.Length ?? 0);
        Uncertain = false;
        Epoch++;
    }

    private async Task WriteAsync()
    {
        var batch = _unsaved.ToArray();
        _unsaved.Clear();
        var entries = batch.Select(c => JsonSerializer.SerializeToUtf8Bytes(c, StateJson.Options)).ToList();
        var bytes = _bytesSinceSnapshot + entries.Sum(e => (long)e.Length);
        var due = _sinceSnapshot + batch.Length >= SnapshotEvery && bytes >= _snapshotBytes;
        var snapshot = _migrating || due ? JsonSerializer.SerializeToUtf8Bytes(State, StateJson.Options) : null;
        var append = new JournalAppend(stream, _durable, entries, snapshot, State.Inbox.Count > 0 || State.Outbox.Count > 0);
        try
        {
            await store.AppendAsync(append, CancellationToken.None);
        }
        catch
        {
            Uncertain = true;
            throw;
        }

        _durable = append.NewVersion;
        (_sinceSnapshot, _bytesSinceSnapshot) = snapshot is null ? (_sinceSnapshot + batch.Length, bytes) : (0, 0);
        _snapshotBytes = snapshot?.Length ?? _snapshotBytes;
        if (_migrating)
        {
            _migrating = false;
            await legacy.ClearAsync();
        }
    }
}
