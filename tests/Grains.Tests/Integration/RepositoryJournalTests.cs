using System.Text.Json;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Processes;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>A repository's journal over the local mode's store: grouped writes, snapshots, failures, a second writer.</summary>
public sealed class RepositoryJournalTests : IDisposable
{
    private const string Stream = "repository/owner/repo";
    private readonly TempDirectory _directory = new("repository-journal");
    private readonly SqliteJournalStore _sqlite;
    private readonly RecordingStore _store;

    public RepositoryJournalTests()
    {
        _sqlite = SqliteJournalStore.Open(_directory.Combine("journal.db"));
        _store = new RecordingStore(_sqlite);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public Task ChangesMadeWhileOneWriteIsUnderWay_AreWrittenTogetherInTheNext() => OneTurnAtATime(async () =>
    {
        var (journal, inbox) = await OpenAsync();
        _store.Hold();
        inbox.Accept(inbox.Examine(Push("a")));
        var first = journal.SaveAsync();
        var later = new List<Task>();
        foreach (var id in new[] { "b", "c", "d" })
        {
            inbox.Accept(inbox.Examine(Push(id, branch: id)));
            later.Add(journal.SaveAsync());
        }

        _store.Release();
        await Task.WhenAll(later.Append(first));

        Assert.Equal([1, 3], _store.Appends.Select(a => a.Entries.Count));
        var reread = await OpenAsync();
        Assert.Equal(["a", "b", "c", "d"], reread.Journal.State.Inbox.Select(p => p.Event.Delivery.Value));
    });

    [Fact]
    public async Task EverySnapshotEveryChanges_TheWholeStateIsWritten_AndReadsBackTheSame()
    {
        var (journal, inbox) = await OpenAsync();
        for (var i = 0; i < RepositoryJournal.SnapshotEvery + 10; i++)
        {
            inbox.Accept(inbox.Examine(Push($"d{i}", after: i + 1)));
            await journal.SaveAsync();
        }

        var stored = await _sqlite.ReadAsync(Stream, CancellationToken.None);
        var reread = await OpenAsync();

        Assert.Equal(((long)RepositoryJournal.SnapshotEvery + 10, (long)RepositoryJournal.SnapshotEvery, 10), (stored.Version, stored.SnapshotVersion, stored.Entries.Count));
        Assert.Equal(Json(journal.State), Json(reread.Journal.State));
    }

    [Fact]
    public async Task NextSnapshot_WaitsUntilTheChangesSinceTheLastAddUpToItsSize()
    {
        var (journal, inbox) = await OpenAsync();
        for (var i = 0; i < RepositoryJournal.SnapshotEvery; i++)
        {
            inbox.Accept(inbox.Examine(Push($"d{i}", after: i + 1)));
            await journal.SaveAsync();
        }

        var size = _store.Appends[^1].Snapshot!.Length;
        var (appended, changes) = (0L, 0);
        for (var i = RepositoryJournal.SnapshotEvery; _store.Appends[^1].Snapshot is null || changes == 0; i++)
        {
            inbox.Accept(inbox.Examine(Push($"d{i}", after: i + 1)));
            await journal.SaveAsync();
            changes++;
            appended += _store.Appends[^1].Snapshot is null ? _store.Appends[^1].Entries.Sum(e => e.Length) : 0;
        }

        var last = _store.Appends[^1];
        Assert.True(changes > RepositoryJournal.SnapshotEvery, $"the next snapshot came after {changes} changes");
        Assert.True(appended < size && appended + last.Entries.Sum(e => e.Length) >= size, $"{appended} bytes appended before a snapshot of {size}");
    }

    [Fact]
    public async Task FailedWrite_FailsEverySaveUntilStorageIsReadAgain_WhichDropsWhatWasNotWritten()
    {
        var (journal, inbox) = await OpenAsync();
        inbox.Accept(inbox.Examine(Push("kept")));
        await journal.SaveAsync();
        _store.FailNext = new IOException("the disk is full");
        inbox.Accept(inbox.Examine(Push("lost", branch: "other")));

        await Assert.ThrowsAsync<IOException>(journal.SaveAsync);
        var uncertain = journal.Uncertain;
        await Assert.ThrowsAsync<InvalidOperationException>(journal.SaveAsync);
        await journal.EnsureCertainAsync();

        Assert.True(uncertain);
        Assert.False(journal.Uncertain);
        Assert.Equal(["kept"], journal.State.Inbox.Select(p => p.Event.Delivery.Value));
        Assert.Equal(ArrivalKind.New, inbox.Examine(Push("lost", branch: "other")).Kind);
    }

    [Fact]
    public async Task SecondWriterOfTheSameRepository_IsRefused_AndTheFirstWriterKeepsItsState()
    {
        var (first, firstInbox) = await OpenAsync();
        var (second, secondInbox) = await OpenAsync();
        firstInbox.Accept(firstInbox.Examine(Push("first")));
        await first.SaveAsync();

        secondInbox.Accept(secondInbox.Examine(Push("second")));
        await Assert.ThrowsAsync<JournalConflictException>(second.SaveAsync);

        var reread = await OpenAsync();
        Assert.Equal(["first"], reread.Journal.State.Inbox.Select(p => p.Event.Delivery.Value));
    }

    private async Task<(RepositoryJournal Journal, Inbox Inbox)> OpenAsync()
    {
        var options = new DeliveryOptions();
        var journal = new RepositoryJournal(Stream, _store, new LegacyState(null, GrainId.Parse(Stream)), options);
        await journal.ReadAsync();
        return (journal, new Inbox(() => journal.State, options, TimeProvider.System, journal.Changed));
    }

    /// <summary>Runs the test as a grain runs: one turn at a time, never two continuations at once.</summary>
    private static Task OneTurnAtATime(Func<Task> test)
    {
        var grainLike = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        return Task.Factory.StartNew(() =>
        {
            SynchronizationContext.SetSynchronizationContext(null);
            return test();
        }, CancellationToken.None, TaskCreationOptions.None, grainLike).Unwrap();
    }

    private static string Json(RepositoryState state) => JsonSerializer.Serialize(state, StateJson.Options);

    /// <summary>The store, with every append it was asked for; can hold appends back, or fail the next.</summary>
    private sealed class RecordingStore(IJournalStore inner) : IJournalStore
    {
        private TaskCompletionSource? _gate;
        private TaskCompletionSource? _held;

        public List<JournalAppend> Appends { get; } = [];

        public Exception? FailNext { get; set; }

        /// <summary>Holds the next append back until <see cref="Release"/>.</summary>
        public void Hold() => _held = _gate = new TaskCompletionSource();

        public void Release() => _gate?.SetResult();

        public Task<JournalRead> ReadAsync(string stream, CancellationToken cancellationToken) => inner.ReadAsync(stream, cancellationToken);

        public async Task AppendAsync(JournalAppend append, CancellationToken cancellationToken)
        {
            Appends.Add(append);
            if (FailNext is { } failure)
            {
                FailNext = null;
                throw failure;
            }

            if (_held is { } held)
            {
                _held = null;
                await held.Task;
            }

            await inner.AppendAsync(append, cancellationToken);
        }
    }
}
