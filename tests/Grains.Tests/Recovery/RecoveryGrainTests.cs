using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Recovery;
using K8sWebhookHandler.Grains.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Tests.Recovery;

public sealed class LocalRecoveryGrainTests : RecoveryGrainTests<LocalIndexCluster>;

public sealed class RedisRecoveryGrainTests : RecoveryGrainTests<RedisIndexCluster>;

/// <summary>
/// The reconciler grain over real repository grains and the mode's storage: the hooks it learns and the runs it made
/// outlive the silo, and a run asks GitHub again only for what the repository never recorded.
/// </summary>
public abstract class RecoveryGrainTests<TFixture> : IAsyncLifetime
    where TFixture : ClusterFixture, new()
{
    private readonly FakeHookRecord _github = new(TimeProvider.System);
    private readonly TFixture _fixture;

    protected RecoveryGrainTests() => _fixture = new TFixture
    {
        ExtraServices = services => services
            .AddSingleton<IHookDeliveries>(_github)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new RecoveryOptions())),
    };

    private IDeliveryRecoveryGrain Reconciler => _fixture.Grains.GetGrain<IDeliveryRecoveryGrain>(0);

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task AHookLearned_AndItsRuns_OutliveRestarts_AndARunAsksOnlyForWhatTheRepositoryNeverRecorded()
    {
        var repository = TestEvents.NewRepository();
        var hook = new WebhookHook(HookKind.Repository, 9, RepositoryKey.Parse(repository));
        var recorded = TestEvents.Push(repository, "main");
        await _fixture.Grain(repository).Enqueue(recorded);
        Assert.Equal(DeliveryState.Applied, (await _fixture.OutcomeAsync(repository, recorded)).State);
        _github.Deliver(hook, recorded.Delivery.Value, 0, repository);
        _github.Deliver(hook, "lost-1", 0, repository);
        _github.Deliver(hook, "delivered", 202, repository);

        await Reconciler.Learn(hook, recorded.Delivery);
        await RestartGracefullyAsync();
        var learned = await Reconciler.Inspect();
        var run = await Reconciler.Run();
        await RestartGracefullyAsync();
        var after = await Reconciler.Inspect();

        Assert.Equal([hook], learned.Hooks);
        Assert.Equal((RecoveryOutcome.Completed, RecoveryTrigger.Operator, 2, 1, 1), (run.Outcome, run.Trigger, run.Failed, run.AlreadyRecorded, run.Requested));
        Assert.Equal(["lost-1"], _github.Redelivered.Select(r => r.Guid));
        Assert.Equal(run, Assert.Single(after.Runs), RunComparer.Instance);
    }

    [Fact]
    public async Task ConcurrentRuns_AreOneRun()
    {
        var repository = TestEvents.NewRepository();
        var hook = new WebhookHook(HookKind.Repository, 10, RepositoryKey.Parse(repository));
        _github.Deliver(hook, "lost-2", 0, repository);
        await Reconciler.Learn(hook, DeliveryId.Parse("lost-2"));

        // The run is held until every call has been answered, however fast or slow the machine: each call joins it, and
        // one that found it finished would start another. Each call is answered once the run has had its 20 s.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _github.ListGate = gate.Task;
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Reconciler.Run()));
        gate.SetResult();
        await UntilFinishedAsync();

        Assert.Single(runs.Select(r => r.StartedAt).Distinct());
        Assert.Equal(["lost-2"], _github.Redelivered.Select(r => r.Guid));
    }

    /// <summary>Returns once the newest run has finished; asked again until then, within the fixture's safety net.</summary>
    private async Task UntilFinishedAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await Reconciler.Inspect()).Runs is not [{ Outcome: not RecoveryOutcome.Running }, ..])
        {
            Assert.True(waited.Elapsed < ClusterFixture.Wait, $"the run did not finish within {ClusterFixture.Wait}");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private async Task RestartGracefullyAsync()
    {
        await _fixture.Cluster.StopAllSilosAsync();
        await _fixture.Cluster.DisposeAsync();
        await _fixture.StartAsync();
    }

    /// <summary>Runs as stored: the same counts and delivery ids (lists compare by content).</summary>
    private sealed class RunComparer : IEqualityComparer<RecoveryRun>
    {
        public static readonly RunComparer Instance = new();

        public bool Equals(RecoveryRun? x, RecoveryRun? y) =>
            x is not null && y is not null && x with { Deliveries = null, Errors = null } == y with { Deliveries = null, Errors = null }
            && (x.Deliveries ?? []).SequenceEqual(y.Deliveries ?? []);

        public int GetHashCode(RecoveryRun obj) => obj.StartedAt.GetHashCode();
    }
}
