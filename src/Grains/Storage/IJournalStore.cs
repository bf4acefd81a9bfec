namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// Where grains keep their state as a journal: per stream (one grain), a snapshot of the state at some version and
/// the entries written after it, in order. An append is durable when its task completes, and it is refused unless
/// the stream is still at the version the writer last saw, so two activations can never both write.
/// Entries and snapshots are opaque bytes to the store.
/// </summary>
public interface IJournalStore
{
    /// <summary>The stream's snapshot and the entries after it; <see cref="JournalRead.Empty"/> when nothing was written.</summary>
    Task<JournalRead> ReadAsync(string stream, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <see cref="JournalAppend.Entries"/> durably, moving the stream from <see cref="JournalAppend.ExpectedVersion"/>
    /// to that plus the number of entries; with a snapshot, the snapshot is the state at the new version and replaces
    /// everything before it.
    /// </summary>
    /// <exception cref="JournalConflictException">The stream is not at the expected version: another writer moved it.</exception>
    Task AppendAsync(JournalAppend append, CancellationToken cancellationToken);
}

/// <summary>What a stream holds.</summary>
/// <param name="Version">How many entries were ever appended: the version the next append must expect.</param>
/// <param name="Snapshot">The state at <paramref name="SnapshotVersion"/>, if one was written.</param>
/// <param name="SnapshotVersion">The version the snapshot stands for (0 without one).</param>
/// <param name="Entries">The entries after the snapshot, oldest first: <paramref name="Version"/> minus <paramref name="SnapshotVersion"/> of them.</param>
public sealed record JournalRead(long Version, byte[]? Snapshot, long SnapshotVersion, IReadOnlyList<byte[]> Entries)
{
    public static JournalRead Empty { get; } = new(0, null, 0, []);
}

/// <summary>One writer's append.</summary>
/// <param name="Stream">The stream (a grain's id).</param>
/// <param name="ExpectedVersion">The version the writer last read or wrote.</param>
/// <param name="Entries">The entries to append, oldest first.</param>
/// <param name="Snapshot">The whole state after these entries, to replace everything before it; null to append only.</param>
/// <param name="Pending">Whether the state after these entries has work left to do: the local mode wakes such streams at start-up.</param>
public sealed record JournalAppend(string Stream, long ExpectedVersion, IReadOnlyList<byte[]> Entries, byte[]? Snapshot, bool Pending)
{
    /// <summary>The stream's version once this is appended.</summary>
    public long NewVersion => ExpectedVersion + Entries.Count;
}

/// <summary>An append refused because its stream is not at the version the writer expected.</summary>
public sealed class JournalConflictException(string stream, long expected, long actual)
    : Exception($"the journal of {stream} is at version {actual}, not {expected}: another writer changed it since it was read")
{
    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}
