using System.Text.Json;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The index of known repositories: one shard's order, filter and pages, and the merge of the shards' answers.</summary>
public sealed class RepositoryIndexTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    private static RepositorySummary Summary(string repository, int queued = 0, int applied = 1, int minutes = 0, long version = 0)
    {
        var counts = new Dictionary<DeliveryState, int>();
        if (queued > 0)
        {
            counts[DeliveryState.Queued] = queued;
        }

        if (applied > 0)
        {
            counts[DeliveryState.Applied] = applied;
        }

        return new RepositorySummary(RepositoryKey.Parse(repository), counts, At.AddMinutes(minutes), version);
    }

    private static string[] Names(IEnumerable<RepositorySummary> summaries) => summaries.Select(s => s.Repository.Value).ToArray();

    [Fact]
    public void Put_InAnyOrder_KeepsTheShardOrderedByName()
    {
        var shard = new RepositoryIndexState();

        foreach (var name in new[] { "octo/zeta", "octo/alpha", "acme/mid", "octo/beta" })
        {
            shard.Put(Summary(name), out _);
        }

        Assert.Equal(["acme/mid", "octo/alpha", "octo/beta", "octo/zeta"], Names(shard.Repositories));
    }

    [Fact]
    public void Put_TheSameSummaryAgain_ChangesNothing_AndANewCountReplacesIt()
    {
        var shard = new RepositoryIndexState();
        var first = shard.Put(Summary("octo/hello", queued: 1), out var added);

        var again = shard.Put(Summary("octo/hello", queued: 1), out var addedAgain);
        var changed = shard.Put(Summary("octo/hello", applied: 2), out var addedOnChange);

        Assert.Equal((true, true), (first, added));
        Assert.Equal((false, false), (again, addedAgain));
        Assert.Equal((true, false), (changed, addedOnChange));
        var held = Assert.Single(shard.Repositories);
        Assert.Equal(new Dictionary<DeliveryState, int> { [DeliveryState.Applied] = 2 }, held.Counts);
    }

    [Fact]
    public void Put_OfAnAnnouncementOvertakenByANewerOne_KeepsTheNewer()
    {
        var shard = new RepositoryIndexState();
        shard.Put(Summary("octo/hello", queued: 1, applied: 0, version: 1), out _);
        var newer = shard.Put(Summary("octo/hello", version: 3), out _);

        var older = shard.Put(Summary("octo/hello", queued: 1, applied: 0, version: 2), out _);
        var sameContentNewer = shard.Put(Summary("octo/hello", version: 5), out _);
        var olderThanThat = shard.Put(Summary("octo/hello", queued: 1, applied: 0, version: 4), out _);

        Assert.Equal((true, false, false, false), (newer, older, sameContentNewer, olderThanThat));
        var held = Assert.Single(shard.Repositories);
        Assert.Equal(new Dictionary<DeliveryState, int> { [DeliveryState.Applied] = 1 }, held.Counts);
        Assert.Equal(5, held.Version);
    }

    [Fact]
    public void List_AfterARepository_WithAState_GivesTheMatchingOnesAfterIt_UpToTheLimit()
    {
        var shard = new RepositoryIndexState();
        foreach (var (name, queued) in new[] { ("a/one", 1), ("a/two", 0), ("a/three", 2), ("b/four", 1), ("b/five", 1) })
        {
            shard.Put(Summary(name, queued), out _);
        }

        var stuck = shard.List(null, DeliveryState.Queued, 10);
        var afterMissing = shard.List(RepositoryKey.Parse("a/p"), DeliveryState.Queued, 10);
        var page = shard.List(RepositoryKey.Parse("a/one"), null, 2);

        Assert.Equal(["a/one", "a/three", "b/five", "b/four"], Names(stuck));
        Assert.Equal(["a/three", "b/five", "b/four"], Names(afterMissing));
        Assert.Equal(["a/three", "a/two"], Names(page));
    }

    [Fact]
    public void Merge_OfShardAnswers_IsInNameOrder_AndSaysWhereTheNextPageStarts()
    {
        IReadOnlyList<RepositorySummary>[] answers =
        [
            [Summary("c/3"), Summary("f/6")],
            [],
            [Summary("a/1"), Summary("d/4"), Summary("e/5")],
            [Summary("b/2")],
        ];

        var first = RepositoryIndex.Merge(answers, 4);
        var whole = RepositoryIndex.Merge(answers, 6);

        Assert.Equal(["a/1", "b/2", "c/3", "d/4"], Names(first.Items));
        Assert.Equal(RepositoryKey.Parse("d/4"), first.Next);
        Assert.Equal(["a/1", "b/2", "c/3", "d/4", "e/5", "f/6"], Names(whole.Items));
        Assert.Null(whole.Next);
    }

    [Fact]
    public void ShardOf_IsAStableHashOfTheCanonicalKey()
    {
        var shards = Enumerable.Range(0, 200).Select(i => RepositoryIndex.ShardOf(RepositoryKey.Parse($"owner/repo-{i}"))).ToArray();

        // FNV-1a of the UTF-8 key, mod 16: pinned, because stored summaries live in the shard this names.
        Assert.Equal(RepositoryIndex.ShardOf(RepositoryKey.Parse("octo/hello")), RepositoryIndex.ShardOf(RepositoryKey.Parse("Octo/Hello")));
        Assert.Equal([13, 6, 1], new[] { "octo/hello", "kubernetes/kubernetes", "a/b" }.Select(n => RepositoryIndex.ShardOf(RepositoryKey.Parse(n))));
        Assert.All(shards, s => Assert.InRange(s, 0, RepositoryIndex.Shards - 1));
        Assert.Equal(RepositoryIndex.Shards, shards.Distinct().Count());
    }

    [Fact]
    public void StoredShard_OfSchemaVersion1_ReadsBack()
    {
        const string stored = """
            {"SchemaVersion":1,"Repositories":[{"Repository":"octo/hello","Counts":{"Applied":3,"Queued":1},"LastActivity":"2026-11-30T06:00:00+00:00"}]}
            """;

        var state = JsonSerializer.Deserialize<RepositoryIndexState>(stored, StateJson.Options)!;
        var written = JsonSerializer.Serialize(state, StateJson.Options);

        var held = Assert.Single(state.Repositories);
        Assert.True(held.SameAs(Summary("octo/hello", queued: 1, applied: 3)));
        Assert.Equal(0, held.Version);
        Assert.Equal(stored.Trim().Replace("+00:00\"}", "+00:00\",\"Version\":0}", StringComparison.Ordinal), written);
    }
}
