using Microsoft.Data.Sqlite;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite: WAL journal mode, <c>synchronous=FULL</c> (the WAL is fsync'd at every
/// commit), one transaction per batch taken from the <see cref="GroupCommit{T}"/> queue.
/// </summary>
public sealed class SqliteJournal(string directory) : IJournalEngine
{
    public static readonly JournalEngine Engine = new("SQLite (Microsoft.Data.Sqlite 10.0.15, WAL, synchronous=FULL)",
        "one transaction per batch: WAL frames written, WAL fsync'd at COMMIT",
        "3 files: journal.db, journal.db-wal, journal.db-shm. The WAL is checkpointed into the database every 1,000 pages " +
        "(`wal_autocheckpoint`, inside a commit: an occasional slower batch). Compaction is `DELETE` of old rows; the file " +
        "keeps its size unless `auto_vacuum=INCREMENTAL` or `VACUUM`. In process, no server; the native library ships in the package.",
        d => new SqliteJournal(d));

    private SqliteConnection? _connection;
    private SqliteCommand? _insert;
    private GroupCommit<(int Stream, byte[] Record)>? _commits;

    public IReadOnlyList<int>? BatchSizes => _commits?.BatchSizes;

    public async Task OpenAsync()
    {
        Directory.CreateDirectory(directory);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, "journal.db"),
            Pooling = false,
        }.ToString());
        await _connection.OpenAsync();
        await ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " +
            "CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, stream INTEGER NOT NULL, record BLOB NOT NULL);");
        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT INTO journal (stream, record) VALUES ($stream, $record)";
        _insert.Parameters.Add("$stream", SqliteType.Integer);
        _insert.Parameters.Add("$record", SqliteType.Blob);
        _insert.Prepare();
        _commits = new GroupCommit<(int, byte[])>(WriteAsync);
        _commits.Start();
    }

    public Task AppendAsync(int stream, byte[] record) => _commits!.AppendAsync((stream, record));

    public async Task<long> ReadAllAsync()
    {
        await using var read = _connection!.CreateCommand();
        read.CommandText = "SELECT stream, record FROM journal ORDER BY seq";
        await using var reader = await read.ExecuteReaderAsync();
        long count = 0;
        while (await reader.ReadAsync())
        {
            _ = reader.GetInt32(0);
            _ = (byte[])reader[1];
            count++;
        }

        return count;
    }

    public async Task CloseAsync()
    {
        if (_commits is not null)
        {
            await _commits.DisposeAsync();
        }

        _insert?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    /// <summary>The batch in one transaction: SQLite writes the WAL frames and fsyncs the WAL once, at COMMIT.</summary>
    private Task WriteAsync(IReadOnlyList<(int Stream, byte[] Record)> batch)
    {
        using var transaction = _connection!.BeginTransaction();
        _insert!.Transaction = transaction;
        foreach (var (stream, record) in batch)
        {
            _insert.Parameters[0].Value = stream;
            _insert.Parameters[1].Value = record;
            _insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return Task.CompletedTask;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _connection!.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
