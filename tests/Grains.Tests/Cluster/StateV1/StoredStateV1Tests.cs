using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using static K8sWebhookHandler.Grains.Tests.Cluster.StateV1.StateV1;

namespace K8sWebhookHandler.Grains.Tests.Cluster.StateV1;

/// <summary>Version-1 state in the local mode's file storage, as the handler wrote it, loads and runs on.</summary>
public sealed class LocalFileStateV1Tests : StoredStateV1Tests<LocalFileStateV1Cluster>;

/// <summary>Version-1 state in the cluster's Redis grain storage, as the handler wrote it, loads and runs on.</summary>
public sealed class RedisStateV1Tests : StoredStateV1Tests<RedisStateV1Cluster>;

/// <summary>
/// State written by schema version 1 (the fixtures in <c>Fixtures/StateV1</c>, described in <see cref="StateV1"/>) read
/// through the repository grain: every record and ref as stored, the pending delivery resumed, and the delivery ids,
/// replay fingerprints, unpaired deletion and repository facts acting as they did. Each test gets a fresh copy.
/// </summary>
public abstract class StoredStateV1Tests<TCluster> : IAsyncLifetime
    where TCluster : StateV1Cluster, new()
{
    private const string Zero = WebhookEvent.ZeroRevision;
    private const string Unreachable = "the Kubernetes API at https://10.96.0.1/ could not be reached: Connection refused (10.96.0.1:443)";
    private static readonly IReadOnlyList<AppliedObject> None = [];

    private readonly TCluster _cluster = new();

    private IRepositoryGrain Grain => _cluster.Grain(Repository);

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Inspect_ShowsEveryDeliveryAndRefAsStored()
    {
        var snapshot = await Grain.Inspect();

        Assert.Equal(RepositoryKey.Parse(Repository), snapshot.Repository);
        Assert.Equal(1, snapshot.Pending);
        AssertRecords(
        [
            Record(TagPushed, DeliveryState.Queued, Unreachable, 1, None, null, null),
            Record(MainPushedAgain, DeliveryState.Applied, null, 1, [Workflow("hello-world-main-f1e2d3c")], At(6), [Workflow("hello-world-main-7c2d4e1")]),
            Record(OldFeatureDeleted, DeliveryState.Applied, null, 1, [Workflow("hello-world-old-feature-delete")], At(5), None),
            Record(FixPushed, DeliveryState.Failed, "the Kubernetes API at https://10.96.0.1/ answered PATCH /apis/argoproj.io/v1alpha1/namespaces/ci/workflows/hello-world-fix-timeout-e5d4c3b with 503 ServiceUnavailable: attempt 3",
                3, None, At(4).AddSeconds(15), None),
            Record(FeaturePushed, DeliveryState.Rejected, "argoproj.io/Secret is not an allowed kind (Handler:AllowedKinds is argoproj.io/Workflow)", 1, None, At(3), None),
            Record(DocsPushed, DeliveryState.NoManifest, $".ci/workflow.yaml does not exist at {RevisionB}", 1, None, At(2), None),
            Record(SuiteCompleted, DeliveryState.Ignored, "check_suite action 'completed'", 0, None, At(1), null),
            Record(MainPushed, DeliveryState.Applied, null, 1, [Workflow("hello-world-main-7c2d4e1")], At(0), None),
        ], snapshot.Deliveries);
        AssertRefs(
        [
            new RefRecord(GitRef.Branch("docs"), RevisionB, DocsPushed.Delivery, None, At(2)),
            new RefRecord(GitRef.Branch("main"), RevisionF, MainPushedAgain.Delivery, [Workflow("hello-world-main-f1e2d3c")], At(6)),
            new RefRecord(GitRef.Branch("old-feature"), Zero, OldFeatureDeleted.Delivery, [Workflow("hello-world-old-feature-delete")], At(5)),
        ], snapshot.Refs);
    }

    [Fact]
    public async Task FirstChange_MovesTheStateIntoTheJournal_AndRemovesTheEarlierCopy()
    {
        var before = await Grain.Inspect();
        var keptWhileOnlyRead = await _cluster.EarlierCopyExistsAsync();
        var push = K8sWebhookHandler.Grains.Tests.Cluster.TestEvents.Push(Repository, branch: "after-upgrade", after: RevisionF);

        Assert.Equal(DeliveryStatus.Queued, await Grain.Enqueue(push));
        var journal = await _cluster.StoredStateAsync(Repository);

        Assert.True(keptWhileOnlyRead);
        Assert.False(await _cluster.EarlierCopyExistsAsync());
        Assert.Equal(before.Deliveries.Select(d => d.Delivery.Value).Append(push.Delivery.Value).Order(), journal.History.Select(r => r.Delivery.Value).Order());
        // The new push may have been applied meanwhile, adding its own ref.
        Assert.Subset(journal.Refs.Keys.Select(r => r.Value).ToHashSet(), before.Refs.Select(r => r.Ref.Value).ToHashSet());
        Assert.Contains(TagPushed.Delivery, journal.Inbox.Select(p => p.Event.Delivery));
    }

    [Fact]
    public async Task PendingDelivery_ResumesOnActivationOnceItsRetryIsDue_AndCompletesWithItsStoredEvent()
    {
        _cluster.FakeClock.Advance(TimeSpan.FromMinutes(1));

        var outcome = await _cluster.OutcomeAsync(Repository, TagPushed);

        AssertRecords([Record(TagPushed, DeliveryState.Applied, null, 2, None, At(8), None)], [outcome]);
        Assert.Equal(TagPushed, Assert.Single(_cluster.Processor.Calls));
        Assert.Equal(0, (await Grain.Inspect()).Pending);
    }

    [Fact]
    public async Task RedeliveryOfEachSeenId_IsDuplicate_ButOfTheFailedOne_IsQueuedAndRunsAgain()
    {
        var answers = new List<DeliveryStatus>();
        foreach (var sent in Sent)
        {
            answers.Add(await Grain.Enqueue(sent));
        }

        var outcome = await _cluster.OutcomeAsync(Repository, FixPushed);

        Assert.Equal(
            [
                DeliveryStatus.Duplicate, DeliveryStatus.Duplicate, DeliveryStatus.Duplicate, DeliveryStatus.Duplicate,
                DeliveryStatus.Queued, DeliveryStatus.Duplicate, DeliveryStatus.Duplicate, DeliveryStatus.Duplicate,
            ], answers);
        AssertRecords([Record(FixPushed, DeliveryState.Applied, null, 1, None, CapturedAt, None)], [outcome]);
        Assert.Equal(FixPushed, Assert.Single(_cluster.Processor.Calls));
    }

    [Fact]
    public async Task SeenId_IsRememberedForTheRetentionFromItsStoredTime_AndNotOneTickLonger()
    {
        _cluster.FakeClock.SetUtcNow(SuiteCompleted.ReceivedAt + _cluster.Options.DeliveryRetention);
        var atTheRetention = await Grain.Enqueue(SuiteCompleted);
        _cluster.FakeClock.Advance(TimeSpan.FromTicks(1));
        var pastIt = await Grain.Enqueue(SuiteCompleted);

        Assert.Equal(DeliveryStatus.Duplicate, atTheRetention);
        Assert.Equal(DeliveryStatus.Ignored, pastIt);
    }

    [Fact]
    public async Task LastPushAndDeletionOfARef_ReplayedUnderNewIds_AreDuplicates()
    {
        var push = await Grain.Enqueue(MainPushedAgain with { Delivery = NewId(9) });
        var deletion = await Grain.Enqueue(OldFeatureDeleted with { Delivery = NewId(10) });

        Assert.Equal((DeliveryStatus.Duplicate, DeliveryStatus.Duplicate), (push, deletion));
        Assert.Equal(1, (await Grain.Inspect()).Pending);
    }

    [Fact]
    public async Task DeletingPush_AfterTheBranchIsRecreated_IsPairedWithTheStoredDeleteEvent_AndSuperseded()
    {
        var recreated = MainPushed with { Delivery = NewId(9), Ref = GitRef.Branch("old-feature"), Revision = RevisionC };
        var deletingPush = MainPushed with { Delivery = NewId(10), Ref = GitRef.Branch("old-feature"), Revision = Zero, Before = RevisionX, Created = false, Deleted = true };

        Assert.Equal(DeliveryStatus.Queued, await Grain.Enqueue(recreated));
        var recreatedOutcome = await _cluster.OutcomeAsync(Repository, recreated);
        Assert.Equal(DeliveryStatus.Queued, await Grain.Enqueue(deletingPush));
        var twin = await _cluster.OutcomeAsync(Repository, deletingPush);

        Assert.Equal(DeliveryState.Applied, recreatedOutcome.State);
        Assert.Equal((DeliveryState.Superseded, $"the deletion of refs/heads/old-feature was handled by delivery {OldFeatureDeleted.Delivery}"), (twin.State, twin.Reason));
        Assert.Equal(recreated, Assert.Single(_cluster.Processor.Calls));
    }

    [Fact]
    public async Task OperatorRetryOfAFinishedDelivery_RunsItAgainWithTheStoredRepositoryFacts()
    {
        var queued = await Grain.Retry(DocsPushed.Delivery);
        await _cluster.OutcomeAsync(Repository, DocsPushed);

        Assert.Equal((DeliveryState.Queued, "retried by an operator", 1), (queued!.State, queued.Reason, queued.Rerun));
        Assert.Equal(DocsPushed with { Created = false, Rerun = 1 }, Assert.Single(_cluster.Processor.Calls));
    }

    private static DateTimeOffset At(int minutes) => Start.AddMinutes(minutes);

    private static DeliveryId NewId(int n) => DeliveryId.Parse($"5e0c7a40-1619-11f1-8a3b-0000000000{n:00}");

    private static AppliedObject Workflow(string name) => new("argoproj.io/v1alpha1", "Workflow", "ci", name);

    private static DeliveryRecord Record(WebhookEvent e, DeliveryState state, string? reason, int attempts,
        IReadOnlyList<AppliedObject> objects, DateTimeOffset? completedAt, IReadOnlyList<AppliedObject>? stopped) =>
        new(e.Delivery, e.EventType, e.Action, e.Ref, e.Revision, e.ReceivedAt, state, reason, attempts, objects, completedAt, stopped, e.Before, e.Deleted);

    /// <summary>Records are equal member by member; their object lists by items (a null list is not an empty one).</summary>
    private static void AssertRecords(IReadOnlyList<DeliveryRecord> expected, IReadOnlyList<DeliveryRecord> actual)
    {
        Assert.Equal(expected.Select(r => r.Delivery), actual.Select(r => r.Delivery));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e with { Objects = None, Stopped = None }, a with { Objects = None, Stopped = None });
            Assert.Equal(e.Objects, a.Objects);
            Assert.Equal(e.Stopped, a.Stopped);
        }
    }

    private static void AssertRefs(IReadOnlyList<RefRecord> expected, IReadOnlyList<RefRecord> actual)
    {
        Assert.Equal(expected.Select(r => r.Ref), actual.Select(r => r.Ref));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e with { Objects = None }, a with { Objects = None });
            Assert.Equal(e.Objects, a.Objects);
        }
    }
}
