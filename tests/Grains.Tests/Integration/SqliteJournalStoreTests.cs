using K8sWebhookHandler.Grains.Storage;
using Microsoft.Data.Sqlite;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>The local mode's journal: the contract, group commit, streams to wake, reopening, and the first layout.</summary>
public sealed class SqliteJournalStoreTests : JournalStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new("journal");
    private readonly SqliteJournalStore _store;

    public SqliteJournalStoreTests() => _store = SqliteJournalStore.Open(_directory.Combine("journal.db"));

    protected override IJournalStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task ConcurrentAppends_ShareCommits()
    {
        // Each stream's appends follow one another; 64 streams at once give the writer something to group.
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            for (var version = 0; version < 20; version++)
            {
                await _store.AppendAsync(new JournalAppend($"s{i}", version, [Bytes("x")], null, false), CancellationToken.None);
            }
        }));

        var (commits, appends) = _store.Committed;
        Assert.Equal(64 * 20, appends);
        Assert.True(commits < appends, $"{appends} appends took {commits} commits: none were grouped");
    }

    [Fact]
    public async Task PendingStreams_AreThoseWhoseLastAppendSaidSo()
    {
        await _store.AppendAsync(new JournalAppend("repository/a", 0, [Bytes("queued")], null, true), CancellationToken.None);
        await _store.AppendAsync(new JournalAppend("repository/b", 0, [Bytes("queued")], null, true), CancellationToken.None);
        await _store.AppendAsync(new JournalAppend("repository/b", 1, [Bytes("done")], null, false), CancellationToken.None);
        await _store.AppendAsync(new JournalAppend("repository/c", 0, [Bytes("queued")], Bytes("state"), true), CancellationToken.None);

        Assert.Equal(["repository/a", "repository/c"], await _store.PendingStreamsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Reopened_ReadsWhatWasCommitted_AndKeepsCheckingVersions()
    {
        await _store.AppendAsync(new JournalAppend("s", 0, [Bytes("a")], null, true), CancellationToken.None);
        await _store.AppendAsync(new JournalAppend("s", 1, [Bytes("b")], null, true), CancellationToken.None);
        _store.Dispose();

        using var reopened = SqliteJournalStore.Open(_directory.Combine("journal.db"));
        var read = await reopened.ReadAsync("s", CancellationToken.None);
        var conflict = await Assert.ThrowsAsync<JournalConflictException>(() => reopened.AppendAsync(new JournalAppend("s", 1, [Bytes("c")], null, true), CancellationToken.None));

        Assert.Equal(["a", "b"], read.Entries.Select(Text));
        Assert.Equal(2, conflict.Actual);
    }

    [Fact]
    public async Task FirstLayout_SnapshotsInTheHeadRow_OpensWithEveryStreamAsItWas()
    {
        _store.Dispose();
        var path = _directory.Combine("first.db");
        using (var first = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            first.Open();
            using var create = first.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE streams (id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL, snapshot_version INTEGER NOT NULL,
                    snapshot BLOB, pending INTEGER NOT NULL);
                CREATE TABLE entries (stream TEXT NOT NULL, version INTEGER NOT NULL, data BLOB NOT NULL,
                    PRIMARY KEY (stream, version)) WITHOUT ROWID;
                INSERT INTO streams VALUES ('with-snapshot', 3, 2, CAST('state' AS BLOB), 1), ('entries-only', 1, 0, NULL, 0);
                INSERT INTO entries VALUES ('with-snapshot', 3, CAST('c' AS BLOB)), ('entries-only', 1, CAST('a' AS BLOB));
                """;
            create.ExecuteNonQuery();
        }

        using var opened = SqliteJournalStore.Open(path);
        var withSnapshot = await opened.ReadAsync("with-snapshot", CancellationToken.None);
        var entriesOnly = await opened.ReadAsync("entries-only", CancellationToken.None);
        var pending = await opened.PendingStreamsAsync(CancellationToken.None);
        await opened.AppendAsync(new JournalAppend("with-snapshot", 3, [Bytes("d")], null, false), CancellationToken.None);
        var appended = await opened.ReadAsync("with-snapshot", CancellationToken.None);

        Assert.Equal("3 state@2 c", Describe(withSnapshot));
        Assert.Equal("1 none@0 a", Describe(entriesOnly));
        Assert.Equal(["with-snapshot"], pending);
        Assert.Equal("4 state@2 c,d", Describe(appended));
    }

    private static string Describe(JournalRead read) =>
        $"{read.Version} {(read.Snapshot is { } snapshot ? Text(snapshot) : "none")}@{read.SnapshotVersion} {string.Join(',', read.Entries.Select(Text))}";
}
