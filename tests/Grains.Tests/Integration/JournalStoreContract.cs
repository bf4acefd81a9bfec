using System.Text;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>What every <see cref="IJournalStore"/> promises, run against each real store.</summary>
public abstract class JournalStoreContract
{
    /// <summary>The store under test; a fresh one (empty) for each test.</summary>
    protected abstract IJournalStore Store { get; }

    [Fact]
    public async Task NothingWritten_ReadsEmpty()
    {
        Assert.Equal(JournalRead.Empty, await Store.ReadAsync("repository/nobody", CancellationToken.None));
    }

    [Fact]
    public async Task Appends_ReadBackInOrder_WithTheVersionTheyReached()
    {
        await Store.AppendAsync(new JournalAppend("s", 0, [Bytes("a"), Bytes("b")], null, true), CancellationToken.None);
        await Store.AppendAsync(new JournalAppend("s", 2, [Bytes("c")], null, false), CancellationToken.None);

        var read = await Store.ReadAsync("s", CancellationToken.None);

        Assert.Equal((3L, null, 0L), (read.Version, read.Snapshot, read.SnapshotVersion));
        Assert.Equal(["a", "b", "c"], read.Entries.Select(Text));
    }

    [Fact]
    public async Task Snapshot_ReplacesEverythingBeforeIt_AndLaterEntriesFollowIt()
    {
        await Store.AppendAsync(new JournalAppend("s", 0, [Bytes("a"), Bytes("b")], null, false), CancellationToken.None);
        await Store.AppendAsync(new JournalAppend("s", 2, [Bytes("c")], Bytes("state after a, b, c"), false), CancellationToken.None);
        await Store.AppendAsync(new JournalAppend("s", 3, [Bytes("d")], null, false), CancellationToken.None);

        var read = await Store.ReadAsync("s", CancellationToken.None);

        Assert.Equal((4L, "state after a, b, c", 3L), (read.Version, Text(read.Snapshot!), read.SnapshotVersion));
        Assert.Equal(["d"], read.Entries.Select(Text));
    }

    [Fact]
    public async Task AppendAtAStaleVersion_IsRefused_AndChangesNothing()
    {
        await Store.AppendAsync(new JournalAppend("s", 0, [Bytes("a")], null, false), CancellationToken.None);

        var stale = await Assert.ThrowsAsync<JournalConflictException>(() => Store.AppendAsync(new JournalAppend("s", 0, [Bytes("other")], Bytes("x"), false), CancellationToken.None));
        var ahead = await Assert.ThrowsAsync<JournalConflictException>(() => Store.AppendAsync(new JournalAppend("s", 5, [Bytes("other")], null, false), CancellationToken.None));

        Assert.Equal((0L, 1L), (stale.Expected, stale.Actual));
        Assert.Equal((5L, 1L), (ahead.Expected, ahead.Actual));
        var read = await Store.ReadAsync("s", CancellationToken.None);
        Assert.Equal((1L, null), (read.Version, read.Snapshot));
        Assert.Equal(["a"], read.Entries.Select(Text));
    }

    [Fact]
    public async Task ConcurrentAppendsToManyStreams_AreAllKept()
    {
        var writers = Enumerable.Range(0, 64).Select(async i =>
        {
            for (var version = 0; version < 20; version++)
            {
                await Store.AppendAsync(new JournalAppend($"s{i}", version, [Bytes($"{i}:{version}")], null, version < 19), CancellationToken.None);
            }
        });
        await Task.WhenAll(writers);

        foreach (var i in Enumerable.Range(0, 64))
        {
            var read = await Store.ReadAsync($"s{i}", CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, 20).Select(v => $"{i}:{v}"), read.Entries.Select(Text));
        }
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
