using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Repositories;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

public sealed class LocalRepositoryIndexTests : RepositoryIndexGrainTests<LocalIndexCluster>;

public sealed class RedisRepositoryIndexTests : RepositoryIndexGrainTests<RedisIndexCluster>;

/// <summary>
/// The index of known repositories over real grains and the mode's storage: repositories announce themselves as their
/// deliveries change, the index outlives the silo, and a summary lost or gone stale is repaired by the repository's next
/// activation.
/// </summary>
public abstract class RepositoryIndexGrainTests<TFixture> : IAsyncLifetime
    where TFixture : ClusterFixture, new()
{
    private readonly TFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task DeliveriesToTwoRepositories_AreListedWithTheirCounts_AndTheListOutlivesARestart()
    {
        var (one, two) = (TestEvents.NewRepository(), TestEvents.NewRepository());
        await AppliedAsync(one, TestEvents.Push(one, "main"), TestEvents.Push(one, "feature", after: TestEvents.Sha(2)));
        await AppliedAsync(two, TestEvents.Push(two, "main"));
        var applied = new Dictionary<string, int> { [one] = 2, [two] = 1 };

        var before = await ListedAsync(applied);
        await RestartGracefullyAsync();
        var after = await _fixture.Grains.ListAsync(null, null, 50);

        Assert.Equal(applied.Keys.Order(StringComparer.Ordinal), before.Select(s => s.Repository.Value));
        Assert.Equal(Describe(before), Describe(after.Items));
        Assert.Null(after.Next);
        Assert.Empty((await _fixture.Grains.ListAsync(null, DeliveryState.Queued, 50)).Items);
    }

    [Fact]
    public async Task AStaleSummaryInTheIndex_IsRepairedWhenTheRepositoryActivatesAgain()
    {
        var repository = TestEvents.NewRepository();
        await AppliedAsync(repository, TestEvents.Push(repository, "main"));
        var held = Assert.Single(await ListedAsync(new Dictionary<string, int> { [repository] = 1 }));
        var key = RepositoryKey.Parse(repository);

        // As the shard would hold it had it lost the repository's last announcement: other counts, at the same version.
        var stale = new RepositorySummary(key, new Dictionary<DeliveryState, int> { [DeliveryState.Queued] = 5 }, DateTimeOffset.UnixEpoch, held.Version);
        await _fixture.Grains.ShardFor(key).Announce(stale);
        await UntilListedAsync(listed => listed.Count == 1 && listed[0].SameAs(stale), $"{repository} queued 5");

        await RestartGracefullyAsync();
        var stored = await _fixture.Grains.ListAsync(null, DeliveryState.Queued, 50);
        await _fixture.Grain(repository).Inspect();
        var repaired = await ListedAsync(new Dictionary<string, int> { [repository] = 1 });

        Assert.True(Assert.Single(stored.Items).SameAs(stale));
        Assert.Equal(new Dictionary<DeliveryState, int> { [DeliveryState.Applied] = 1 }, Assert.Single(repaired).Counts);
    }

    [Fact]
    public async Task Pages_OfTheList_FollowEachOtherInNameOrder()
    {
        var repositories = Enumerable.Range(0, 5).Select(_ => TestEvents.NewRepository()).Order(StringComparer.Ordinal).ToArray();
        foreach (var repository in repositories)
        {
            await AppliedAsync(repository, TestEvents.Push(repository, "main"));
        }

        await ListedAsync(repositories.ToDictionary(r => r, _ => 1));
        var first = await _fixture.Grains.ListAsync(null, DeliveryState.Applied, 2);
        var second = await _fixture.Grains.ListAsync(first.Next, DeliveryState.Applied, 2);
        var last = await _fixture.Grains.ListAsync(second.Next, DeliveryState.Applied, 2);

        Assert.Equal(repositories, first.Items.Concat(second.Items).Concat(last.Items).Select(s => s.Repository.Value));
        Assert.Null(last.Next);
    }

    private async Task AppliedAsync(string repository, params Abstractions.Events.WebhookEvent[] events)
    {
        foreach (var e in events)
        {
            await _fixture.Grain(repository).Enqueue(e);
            Assert.Equal(DeliveryState.Applied, (await _fixture.OutcomeAsync(repository, e)).State);
        }
    }

    /// <summary>
    /// The index once it lists exactly these repositories, each with this many applied deliveries and nothing else: the
    /// announcements are one-way, so the index is asked again until it does.
    /// </summary>
    private Task<IReadOnlyList<RepositorySummary>> ListedAsync(IReadOnlyDictionary<string, int> applied) => UntilListedAsync(
        listed => listed.Count == applied.Count
            && listed.All(s => s.Counts.Count == 1 && s.Counts.GetValueOrDefault(DeliveryState.Applied) == applied.GetValueOrDefault(s.Repository.Value)),
        string.Join(", ", applied.Select(a => $"{a.Key} applied {a.Value}")));

    /// <summary>The whole index once <paramref name="holds"/> is true of it (<paramref name="expected"/> says what for a failure), asked again until then, within the safety net.</summary>
    private async Task<IReadOnlyList<RepositorySummary>> UntilListedAsync(Func<IReadOnlyList<RepositorySummary>, bool> holds, string expected)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<RepositorySummary> listed;
        do
        {
            listed = (await _fixture.Grains.ListAsync(null, null, 50)).Items;
            if (holds(listed))
            {
                return listed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
        while (waited.Elapsed < ClusterFixture.Wait);

        Assert.Fail($"the index listed {string.Join(", ", Describe(listed))}; expected {expected}");
        return listed;
    }

    private static IEnumerable<string> Describe(IEnumerable<RepositorySummary> summaries) =>
        summaries.Select(s => $"{s.Repository} {string.Join(" ", s.Counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"))} {s.LastActivity:O}");

    /// <summary>Stops the silo as a rolling restart does (grains deactivate and write), and starts it again over the same storage.</summary>
    private async Task RestartGracefullyAsync()
    {
        await _fixture.Cluster.StopAllSilosAsync();
        await _fixture.Cluster.DisposeAsync();
        await _fixture.StartAsync();
    }
}
