using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>The local mode's journal: the contract, group commit, streams to wake, and reopening.</summary>
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
}
