using Microsoft.Data.Sqlite;

namespace K8sWebhookHandler.Grains.Storage;

public sealed partial class SqliteJournalStore
{
    /// <summary>
    /// The one connection that writes: the schema, the statements it reuses, and each stream's version as this
    /// process last committed it (only this process writes the file).
    /// </summary>
    private sealed class JournalWriter : IDisposable
    {
        // A stream's head row is small and written by every append; its snapshot has a row of its own, written only
        // when a snapshot is taken, so that an append costs the same however large the state it follows.
        private const string Schema = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS streams (
                id TEXT PRIMARY KEY NOT NULL,
                version INTEGER NOT NULL,
                pending INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS snapshots (
                stream TEXT PRIMARY KEY NOT NULL,
                version INTEGER NOT NULL,
                data BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS entries (
                stream TEXT NOT NULL,
                version INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (stream, version)) WITHOUT ROWID;
            """;

        // The first layout kept the snapshot in the head row: it moves to its own table, once, in one transaction.
        private const string MoveSnapshots = """
            INSERT INTO snapshots (stream, version, data) SELECT id, snapshot_version, snapshot FROM streams WHERE snapshot IS NOT NULL;
            ALTER TABLE streams DROP COLUMN snapshot;
            ALTER TABLE streams DROP COLUMN snapshot_version;
            """;

        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _version;
        private readonly SqliteCommand _entry;
        private readonly SqliteCommand _head;
        private readonly SqliteCommand _snapshot;
        private readonly SqliteCommand _dropEntries;
        private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

        public JournalWriter(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            Execute(Schema);
            MigrateFirstLayout();

            _version = Prepare("SELECT version FROM streams WHERE id = $id", "$id");
            _entry = Prepare("INSERT INTO entries (stream, version, data) VALUES ($id, $version, $data)", "$id", "$version", "$data");
            _head = Prepare("""
                INSERT INTO streams (id, version, pending) VALUES ($id, $version, $pending)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, pending = excluded.pending
                """, "$id", "$version", "$pending");
            _snapshot = Prepare("""
                INSERT INTO snapshots (stream, version, data) VALUES ($id, $version, $data)
                ON CONFLICT (stream) DO UPDATE SET version = excluded.version, data = excluded.data
                """, "$id", "$version", "$data");
            _dropEntries = Prepare("DELETE FROM entries WHERE stream = $id", "$id");
        }

        /// <summary>
        /// Writes every append of the batch whose stream is at the version it expects, in one transaction, and completes
        /// each append's task once the commit is on disk: refused ones with a conflict, all of them with the error when
        /// the commit fails.
        /// </summary>
        public void Commit(List<PendingAppend> batch)
        {
            var written = new List<PendingAppend>(batch.Count);
            var before = new Dictionary<string, long>(StringComparer.Ordinal);
            try
            {
                using var transaction = _connection.BeginTransaction();
                foreach (var pending in batch)
                {
                    if (TryWrite(pending, transaction, before))
                    {
                        written.Add(pending);
                    }
                }

                transaction.Commit();
            }
            catch (Exception failure)
            {
                // Nothing of the batch is on disk: the versions it would have set go back, and every writer is told.
                foreach (var (stream, version) in before)
                {
                    _versions[stream] = version;
                }

                batch.ForEach(p => p.Done.TrySetException(failure));
                return;
            }

            written.ForEach(p => p.Done.TrySetResult());
        }

        /// <summary>Writes one append if its stream is at the version it expects; refuses it with a conflict otherwise.</summary>
        private bool TryWrite(PendingAppend pending, SqliteTransaction transaction, Dictionary<string, long> before)
        {
            var append = pending.Append;
            var current = VersionOf(append.Stream, transaction);
            before.TryAdd(append.Stream, current);
            if (current != append.ExpectedVersion)
            {
                pending.Done.TrySetException(new JournalConflictException(append.Stream, append.ExpectedVersion, current));
                return false;
            }

            Write(append, transaction);
            _versions[append.Stream] = append.NewVersion;
            return true;
        }

        public void Dispose() => _connection.Dispose();

        private long VersionOf(string stream, SqliteTransaction transaction)
        {
            if (_versions.TryGetValue(stream, out var version))
            {
                return version;
            }

            _version.Transaction = transaction;
            _version.Parameters["$id"].Value = stream;
            return _versions[stream] = _version.ExecuteScalar() is long stored ? stored : 0;
        }

        private void Write(JournalAppend append, SqliteTransaction transaction)
        {
            if (append.Snapshot is { } snapshot)
            {
                Run(_dropEntries, transaction, ("$id", append.Stream));
                Run(_snapshot, transaction, ("$id", append.Stream), ("$version", append.NewVersion), ("$data", snapshot));
                Run(_head, transaction, ("$id", append.Stream), ("$version", append.NewVersion), ("$pending", append.Pending));
                return;
            }

            var version = append.ExpectedVersion;
            foreach (var entry in append.Entries)
            {
                Run(_entry, transaction, ("$id", append.Stream), ("$version", ++version), ("$data", entry));
            }

            Run(_head, transaction, ("$id", append.Stream), ("$version", append.NewVersion), ("$pending", append.Pending));
        }

        private static void Run(SqliteCommand command, SqliteTransaction transaction, params (string Name, object Value)[] values)
        {
            command.Transaction = transaction;
            foreach (var (name, value) in values)
            {
                command.Parameters[name].Value = value;
            }

            command.ExecuteNonQuery();
        }

        private void MigrateFirstLayout()
        {
            using var layout = _connection.CreateCommand();
            layout.CommandText = "SELECT COUNT(*) FROM pragma_table_info('streams') WHERE name = 'snapshot'";
            if ((long)layout.ExecuteScalar()! == 0)
            {
                return;
            }

            using var transaction = _connection.BeginTransaction();
            using var move = _connection.CreateCommand();
            move.Transaction = transaction;
            move.CommandText = MoveSnapshots;
            move.ExecuteNonQuery();
            transaction.Commit();
        }

        private void Execute(string sql)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }
    }
}
