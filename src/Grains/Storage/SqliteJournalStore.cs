using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// The local mode's journal: one SQLite database for every stream, in write-ahead-log mode with
/// <c>synchronous=FULL</c>, so that a commit returns only once the log is flushed to disk. Appends from all grains
/// go through one writer thread that commits them in groups: whatever arrived while the previous commit was being
/// flushed, up to <see cref="MaxBatch"/> appends, shares one transaction and one fsync. A new stream is a row, not a
/// file. Reads use their own pooled connections and see the last committed state.
/// </summary>
public sealed partial class SqliteJournalStore : IJournalStore, IDisposable
{
    /// <summary>The most appends one commit takes.</summary>
    public const int MaxBatch = 256;

    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly Thread _writer;
    private readonly JournalWriter _journal;

    private SqliteJournalStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        _journal = new JournalWriter(_connectionString);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "journal writer" };
        _writer.Start();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>How many commits were made and how many appends they held: the size of the groups.</summary>
    public (long Commits, long Appends) Committed => (Interlocked.Read(ref _commits), Interlocked.Read(ref _committedAppends));

    private long _commits;
    private long _committedAppends;

    /// <summary>Opens (creating when missing) the journal at <paramref name="path"/>.</summary>
    public static SqliteJournalStore Open(string path)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        return new SqliteJournalStore(path);
    }

    public async Task<JournalRead> ReadAsync(string stream, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var head = connection.CreateCommand();
        head.Transaction = transaction;
        head.CommandText = """
            SELECT streams.version, snapshots.version, snapshots.data
            FROM streams LEFT JOIN snapshots ON snapshots.stream = streams.id WHERE streams.id = $id
            """;
        head.Parameters.AddWithValue("$id", stream);
        await using var found = await head.ExecuteReaderAsync(cancellationToken);
        if (!await found.ReadAsync(cancellationToken))
        {
            return JournalRead.Empty;
        }

        var (version, snapshotVersion) = (found.GetInt64(0), found.IsDBNull(1) ? 0 : found.GetInt64(1));
        var snapshot = found.IsDBNull(2) ? null : (byte[])found.GetValue(2);
        await using var entries = connection.CreateCommand();
        entries.Transaction = transaction;
        entries.CommandText = "SELECT data FROM entries WHERE stream = $id AND version > $after ORDER BY version";
        entries.Parameters.AddWithValue("$id", stream);
        entries.Parameters.AddWithValue("$after", snapshotVersion);
        var list = new List<byte[]>();
        await using var rows = await entries.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            list.Add((byte[])rows.GetValue(0));
        }

        return new JournalRead(version, snapshot, snapshotVersion, list);
    }

    public Task AppendAsync(JournalAppend append, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(append, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_appends.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteJournalStore), "the journal is closed");
        }

        return pending.Done.Task;
    }

    /// <summary>The streams whose last append said work is left: those to wake after a restart.</summary>
    public async Task<IReadOnlyList<string>> PendingStreamsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM streams WHERE pending = 1 ORDER BY id";
        var streams = new List<string>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            streams.Add(rows.GetString(0));
        }

        return streams;
    }

    /// <summary>Commits what is queued, then closes the database.</summary>
    public void Dispose()
    {
        _appends.Writer.TryComplete();
        _writer.Join();
        _journal.Dispose();
    }

    private void WriteLoop()
    {
        var batch = new List<PendingAppend>(MaxBatch);
        var reader = _appends.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            _journal.Commit(batch);
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _committedAppends, batch.Count);
        }
    }

    /// <summary>An append waiting for the writer, and the task its writer awaits.</summary>
    internal sealed record PendingAppend(JournalAppend Append, TaskCompletionSource Done);
}
