using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>The repository grain's guarantees, in an in-process cluster with a scripted processor.</summary>
public sealed class RepositoryGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Enqueue_SameDeliveryTwice_IsDuplicateAndProcessedOnce()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);

        var first = await fixture.Grain(repository).Enqueue(push);
        var second = await fixture.Grain(repository).Enqueue(push);
        await fixture.OutcomeAsync(repository, push);
        var third = await fixture.Grain(repository).Enqueue(push);

        Assert.Equal(DeliveryStatus.Queued, first);
        Assert.Equal(DeliveryStatus.Duplicate, second);
        Assert.Equal(DeliveryStatus.Duplicate, third);
        Assert.Single(fixture.Processor.Calls, c => c.Delivery == push.Delivery);
        var snapshot = await fixture.Grain(repository).Inspect();
        Assert.Single(snapshot.Deliveries);
        Assert.Equal(DeliveryState.Applied, snapshot.Deliveries[0].State);
    }

    [Fact]
    public async Task Enqueue_SameDeliveryManyTimesAtOnce_IsQueuedOnceAndDuplicateForTheRest()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);

        // Requests to one repository interleave (so that they are written together): one id must still be taken once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => fixture.Grain(repository).Enqueue(push)));
        await fixture.OutcomeAsync(repository, push);

        Assert.Equal((1, 15), (answers.Count(a => a == DeliveryStatus.Queued), answers.Count(a => a == DeliveryStatus.Duplicate)));
        Assert.Single(fixture.Processor.Calls, c => c.Delivery == push.Delivery);
        Assert.Single((await fixture.StoredStateAsync(repository)).History, r => r.Delivery == push.Delivery);
    }

    [Fact]
    public async Task Enqueue_ManyDeliveriesAtOnce_AreAllAcknowledgedStoredAndProcessed()
    {
        var repository = TestEvents.NewRepository();
        var pushes = Enumerable.Range(1, 40).Select(i => TestEvents.Push(repository, branch: $"b{i % 5}", after: TestEvents.Sha(i))).ToList();

        var answers = await Task.WhenAll(pushes.Select(p => fixture.Grain(repository).Enqueue(p)));
        var stored = await fixture.StoredStateAsync(repository);
        var outcomes = new List<DeliveryRecord>();
        foreach (var push in pushes)
        {
            outcomes.Add(await fixture.OutcomeAsync(repository, push));
        }

        Assert.All(answers, a => Assert.Equal(DeliveryStatus.Queued, a));
        Assert.Equal(pushes.Select(p => p.Delivery.Value).Order(), stored.Seen.Keys.Select(k => k.Value).Order());
        // Five branches, eight pushes each: superseding decides which run; none may fail or stay queued.
        Assert.All(outcomes, o => Assert.Contains(o.State, new[] { DeliveryState.Applied, DeliveryState.Superseded, DeliveryState.Stale }));
        Assert.Equal(5, outcomes.Select(o => o.Ref).Where((_, i) => outcomes[i].State == DeliveryState.Applied).Distinct().Count());
    }

    [Fact]
    public async Task Enqueue_RepositoryKeyIsCaseInsensitive_SoTheDuplicateIsFoundAcrossSpellings()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);

        var first = await fixture.Grain(RepositoryKeyOf(repository)).Enqueue(push);
        var second = await fixture.Grain(RepositoryKeyOf(repository.ToUpperInvariant())).Enqueue(push with { Repository = new RepositoryFacts(repository.ToUpperInvariant(), push.Repository.CloneUrl, push.Repository.GitUrl, push.Repository.SshUrl, "main") });

        Assert.Equal(DeliveryStatus.Queued, first);
        Assert.Equal(DeliveryStatus.Duplicate, second);
    }

    [Fact]
    public async Task Deliveries_OfOneRepository_AreProcessedOneAtATimeInArrivalOrder_WhileNewOnesAreStillAcknowledged()
    {
        var repository = TestEvents.NewRepository();
        // Distinct branches: nothing supersedes anything, so every delivery must be processed, in order.
        var pushes = Enumerable.Range(1, 12).Select(i => TestEvents.Push(repository, branch: $"b{i}", after: TestEvents.Sha(i))).ToList();
        fixture.Processor.Hold(pushes[0].Delivery.Value);

        Assert.Equal(DeliveryStatus.Queued, await fixture.Grain(repository).Enqueue(pushes[0]));
        await fixture.StartedAsync(pushes[0]);
        var acks = new List<DeliveryStatus>();
        foreach (var push in pushes.Skip(1))
        {
            // The first delivery is still being processed: the grain must keep answering.
            acks.Add(await fixture.Grain(repository).Enqueue(push));
        }

        fixture.Processor.Release(pushes[0].Delivery.Value);
        foreach (var push in pushes)
        {
            await fixture.OutcomeAsync(repository, push);
        }

        Assert.All(acks, a => Assert.Equal(DeliveryStatus.Queued, a));
        var order = fixture.Processor.Calls.Where(c => c.Repository.FullName == repository).Select(c => c.Delivery).ToList();
        Assert.Equal(pushes.Select(p => p.Delivery), order);
        Assert.Equal(1, fixture.Processor.MaxConcurrentInOneRepository);
    }

    [Fact]
    public async Task Deliveries_OfDifferentRepositories_AreProcessedInParallel()
    {
        var first = TestEvents.Push(TestEvents.NewRepository());
        var second = TestEvents.Push(TestEvents.NewRepository());
        fixture.Processor.Hold(first.Delivery.Value);
        fixture.Processor.Hold(second.Delivery.Value);

        await fixture.Grain(first.Repository.FullName).Enqueue(first);
        await fixture.Grain(second.Repository.FullName).Enqueue(second);
        // Neither is released until both have started: processed one after the other, the second would never start.
        await fixture.StartedAsync(first);
        await fixture.StartedAsync(second);
        var runningInFirst = fixture.Processor.RunningIn(first.Repository.FullName);
        var runningInSecond = fixture.Processor.RunningIn(second.Repository.FullName);
        fixture.Processor.Release(first.Delivery.Value);
        fixture.Processor.Release(second.Delivery.Value);

        Assert.Equal([first.Delivery], runningInFirst);
        Assert.Equal([second.Delivery], runningInSecond);
        Assert.Equal(DeliveryState.Applied, (await fixture.OutcomeAsync(first.Repository.FullName, first)).State);
        Assert.Equal(DeliveryState.Applied, (await fixture.OutcomeAsync(second.Repository.FullName, second)).State);
    }

    [Fact]
    public async Task TransientFailure_IsRetried_ThenApplied()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);
        fixture.Processor.Answer = (e, attempt) => e.Delivery == push.Delivery && attempt < 3
            ? ProcessingResult.Retry("API server answered 503")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        await fixture.Grain(repository).Enqueue(push);
        var outcome = await fixture.OutcomeAsync(repository, push);

        Assert.Equal(DeliveryState.Applied, outcome.State);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(3, fixture.Processor.Calls.Count(c => c.Delivery == push.Delivery));
    }

    [Fact]
    public async Task TransientFailure_ThatNeverPasses_EndsFailedWithTheErrorAndAttempts()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository, branch: "one");
        var after = TestEvents.Push(repository, branch: "two");
        fixture.Processor.Answer = (e, _) => e.Delivery == push.Delivery
            ? ProcessingResult.Retry("git server unreachable")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        await fixture.Grain(repository).Enqueue(push);
        await fixture.Grain(repository).Enqueue(after);
        var outcome = await fixture.OutcomeAsync(repository, push);
        var next = await fixture.OutcomeAsync(repository, after);

        Assert.Equal(DeliveryState.Failed, outcome.State);
        Assert.Equal("git server unreachable", outcome.Reason);
        Assert.Equal(fixture.Options.MaxAttempts, outcome.Attempts);
        Assert.Equal(DeliveryState.Applied, next.State);
    }

    [Fact]
    public async Task UnhandledEvent_IsRecordedAsIgnored_AndNeverProcessed()
    {
        var repository = TestEvents.NewRepository();
        var issue = TestEvents.Push(repository, eventType: "issues", action: "opened");

        var status = await fixture.Grain(repository).Enqueue(issue);

        Assert.Equal(DeliveryStatus.Ignored, status);
        Assert.DoesNotContain(fixture.Processor.Calls, c => c.Delivery == issue.Delivery);
        var record = Assert.Single((await fixture.Grain(repository).Inspect()).Deliveries);
        Assert.Equal(DeliveryState.Ignored, record.State);
        Assert.Equal("event 'issues' is not in Handler:Events", record.Reason);
    }

    [Fact]
    public async Task PushesToAnIgnoredRef_AreAnsweredIgnoredAndRecordedIgnoredRefAtOnce_AndNeitherDecidedNorProcessed()
    {
        var repository = TestEvents.NewRepository();
        var first = TestEvents.Push(repository, branch: "ignored/deps", after: TestEvents.Sha(61));
        var second = TestEvents.Push(repository, branch: "ignored/deps", before: TestEvents.Sha(61), after: TestEvents.Sha(62));

        DeliveryStatus[] statuses = [await fixture.Grain(repository).Enqueue(first), await fixture.Grain(repository).Enqueue(second)];
        var retried = await fixture.Grain(repository).Retry(first.Delivery);
        var snapshot = await fixture.Grain(repository).Inspect();

        Assert.Equal([DeliveryStatus.Ignored, DeliveryStatus.Ignored], statuses);
        Assert.Equal(0, snapshot.Pending);
        Assert.Equal([second.Delivery, first.Delivery], snapshot.Deliveries.Select(d => d.Delivery));
        Assert.All(snapshot.Deliveries, d => Assert.Equal((DeliveryState.IgnoredRef, "refs/heads/ignored/deps matches Handler:IgnoreRefs", 0), (d.State, d.Reason, d.Attempts)));
        Assert.Equal(DeliveryState.IgnoredRef, retried!.State);
        Assert.Empty(snapshot.Refs);
        Assert.DoesNotContain(fixture.Processor.Calls, c => c.Repository.FullName == repository);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BranchDeletion_SentAsDeleteAndAsPush_IsActedOnOnce_WhicheverComesFirst(bool deleteEventFirst)
    {
        var repository = TestEvents.NewRepository();
        var delete = TestEvents.Push(repository, branch: "feature", after: "", eventType: "delete");
        var deletedPush = TestEvents.Push(repository, branch: "feature", after: WebhookEvent.ZeroRevision, before: TestEvents.Sha(7), deleted: true);
        var (earlier, later) = deleteEventFirst ? (delete, deletedPush) : (deletedPush, delete);

        await fixture.Grain(repository).Enqueue(earlier);
        await fixture.Grain(repository).Enqueue(later);
        var first = await fixture.OutcomeAsync(repository, earlier);
        var second = await fixture.OutcomeAsync(repository, later);

        Assert.Equal(DeliveryState.Applied, first.State);
        Assert.Equal(DeliveryState.Superseded, second.State);
        Assert.DoesNotContain(fixture.Processor.Calls, c => c.Delivery == later.Delivery);
    }

    [Fact]
    public async Task Inspect_ShowsPerRefTheLastRevisionAndDelivery()
    {
        var repository = TestEvents.NewRepository();
        var first = TestEvents.Push(repository, after: TestEvents.Sha(10));
        var second = TestEvents.Push(repository, after: TestEvents.Sha(11), before: TestEvents.Sha(10));

        await fixture.Grain(repository).Enqueue(first);
        await fixture.Grain(repository).Enqueue(second);
        await fixture.OutcomeAsync(repository, second);

        var snapshot = await fixture.Grain(repository).Inspect();
        var main = Assert.Single(snapshot.Refs);
        Assert.Equal("refs/heads/main", main.Ref.Value);
        Assert.Equal(TestEvents.Sha(11), main.LastRevision);
        Assert.Equal(second.Delivery, main.LastDelivery);
        Assert.Equal(0, snapshot.Pending);
        Assert.Equal([second.Delivery, first.Delivery], snapshot.Deliveries.Select(d => d.Delivery));
    }

    [Fact]
    public async Task RedeliveryOfAFailedDelivery_QueuesItAgain_WithAFreshRetryBudget()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);
        var outage = true;
        fixture.Processor.Answer = (e, _) => outage
            ? ProcessingResult.Retry("API server answered 503")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        await fixture.Grain(repository).Enqueue(push);
        var failed = await fixture.OutcomeAsync(repository, push);
        outage = false;
        var redelivered = await fixture.Grain(repository).Enqueue(push);
        var outcome = await fixture.OutcomeAsync(repository, push);
        var afterwards = await fixture.Grain(repository).Enqueue(push);

        Assert.Equal(DeliveryState.Failed, failed.State);
        Assert.Equal(DeliveryStatus.Queued, redelivered);
        Assert.Equal(DeliveryState.Applied, outcome.State);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(DeliveryStatus.Duplicate, afterwards);
        Assert.Single((await fixture.Grain(repository).Inspect()).Deliveries);
    }

    [Fact]
    public async Task OperatorRetry_OfAnAppliedDelivery_IsARerunWithNewObjects_ThatDoesNotMoveTheRef()
    {
        var repository = TestEvents.NewRepository();
        var first = TestEvents.Push(repository, after: TestEvents.Sha(1));
        var second = TestEvents.Push(repository, before: TestEvents.Sha(1), after: TestEvents.Sha(2));
        await fixture.Grain(repository).Enqueue(first);
        await fixture.Grain(repository).Enqueue(second);
        await fixture.OutcomeAsync(repository, second);

        var retried = await fixture.Grain(repository).Retry(first.Delivery);
        var outcome = await fixture.OutcomeAsync(repository, first);

        Assert.Equal(DeliveryState.Queued, retried!.State);
        Assert.Equal(1, retried.Rerun);
        Assert.Equal(DeliveryState.Applied, outcome.State);
        var rerun = fixture.Processor.Calls.Last(c => c.Delivery == first.Delivery);
        Assert.Equal(1, rerun.Rerun);
        Assert.Equal(first.Revision, rerun.Revision);
        Assert.Equal(first.Before, rerun.Before);
        Assert.Equal(TestEvents.Sha(2), Assert.Single((await fixture.Grain(repository).Inspect()).Refs).LastRevision);
    }

    [Fact]
    public async Task OperatorRetry_OfAnUnknownOrIgnoredDelivery_ChangesNothing()
    {
        var repository = TestEvents.NewRepository();
        var ping = TestEvents.Push(repository, eventType: "ping");
        await fixture.Grain(repository).Enqueue(ping);

        var ignored = await fixture.Grain(repository).Retry(ping.Delivery);
        var unknown = await fixture.Grain(repository).Retry(Abstractions.Identity.DeliveryId.Parse("never-sent"));

        Assert.Equal(DeliveryState.Ignored, ignored!.State);
        Assert.Null(unknown);
        Assert.DoesNotContain(fixture.Processor.Calls, c => c.Delivery == ping.Delivery);
    }

    [Fact]
    public async Task ReplayUnderANewId_OfTheLastPushOfItsRef_IsDuplicate_UnlessThatOneFailed()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository, after: TestEvents.Sha(5), before: TestEvents.Sha(4));
        var replay = push with { Delivery = Abstractions.Identity.DeliveryId.Parse(Guid.NewGuid().ToString()) };
        var failing = TestEvents.Push(repository, branch: "other", after: TestEvents.Sha(6));
        var failingReplay = failing with { Delivery = Abstractions.Identity.DeliveryId.Parse(Guid.NewGuid().ToString()) };
        fixture.Processor.Answer = (e, _) => e.Delivery == failing.Delivery
            ? ProcessingResult.Retry("git server unreachable")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        await fixture.Grain(repository).Enqueue(push);
        await fixture.OutcomeAsync(repository, push);
        var replayed = await fixture.Grain(repository).Enqueue(replay);
        await fixture.Grain(repository).Enqueue(failing);
        await fixture.OutcomeAsync(repository, failing);
        var replayedAfterFailure = await fixture.Grain(repository).Enqueue(failingReplay);
        var outcome = await fixture.OutcomeAsync(repository, failingReplay);

        Assert.Equal(DeliveryStatus.Duplicate, replayed);
        Assert.DoesNotContain(fixture.Processor.Calls, c => c.Delivery == replay.Delivery);
        Assert.Equal(DeliveryStatus.Queued, replayedAfterFailure);
        Assert.Equal(DeliveryState.Applied, outcome.State);
    }

    [Fact]
    public async Task BranchDeletedAndCreatedAgain_WithTheDeleteEventLate_BuildsTheNewBranch_AndDeletesOnce()
    {
        var repository = TestEvents.NewRepository();
        var first = TestEvents.Push(repository, branch: "feature", after: TestEvents.Sha(7));
        var deletedPush = TestEvents.Push(repository, branch: "feature", after: WebhookEvent.ZeroRevision, before: TestEvents.Sha(7), deleted: true);
        var created = TestEvents.Push(repository, branch: "feature", after: TestEvents.Sha(7));
        var lateDelete = TestEvents.Push(repository, branch: "feature", after: "", eventType: "delete");
        await fixture.Grain(repository).Enqueue(first);
        await fixture.OutcomeAsync(repository, first);
        fixture.Processor.Hold(deletedPush.Delivery.Value);

        await fixture.Grain(repository).Enqueue(deletedPush);
        await fixture.StartedAsync(deletedPush);
        await fixture.Grain(repository).Enqueue(created);
        await fixture.Grain(repository).Enqueue(lateDelete);
        fixture.Processor.Release(deletedPush.Delivery.Value);
        var outcomes = new[]
        {
            await fixture.OutcomeAsync(repository, deletedPush),
            await fixture.OutcomeAsync(repository, created),
            await fixture.OutcomeAsync(repository, lateDelete),
        };

        Assert.Equal([DeliveryState.Applied, DeliveryState.Applied, DeliveryState.Superseded], outcomes.Select(o => o.State));
        Assert.Contains(deletedPush.Delivery.Value, outcomes[2].Reason);
        Assert.DoesNotContain(fixture.Processor.Calls, c => c.Delivery == lateDelete.Delivery);
        Assert.Equal(TestEvents.Sha(7), (await fixture.Grain(repository).Inspect()).Refs.Single(r => r.Ref.Value == "refs/heads/feature").LastRevision);
    }

    [Fact]
    public async Task ManyRefs_AreBoundedPerRepository_KeepingTheMostRecent()
    {
        var repository = TestEvents.NewRepository();
        var limit = fixture.Options.MaxRefs;
        var pushes = Enumerable.Range(1, limit + 5).Select(i => TestEvents.Push(repository, branch: $"b{i}", after: TestEvents.Sha(i))).ToList();

        foreach (var push in pushes)
        {
            await fixture.Grain(repository).Enqueue(push);
        }

        await fixture.OutcomeAsync(repository, pushes[^1]);
        var refs = (await fixture.Grain(repository).Inspect()).Refs;

        Assert.Equal(limit, refs.Count);
        Assert.Contains(refs, r => r.Ref.Value == $"refs/heads/b{limit + 5}");
    }

    [Fact]
    public async Task ManyRefs_WhosePushesAreAllRejected_KeepTheStoredPerRefReplayMemoryBounded()
    {
        var repository = TestEvents.NewRepository();
        var limit = fixture.Options.MaxRefs;
        var pushes = Enumerable.Range(1, limit + 5).Select(i => TestEvents.Push(repository, branch: $"refused{i}", after: TestEvents.Sha(i))).ToList();
        var refused = pushes.Select(p => p.Delivery).ToHashSet();
        fixture.Processor.Answer = (e, _) => refused.Contains(e.Delivery)
            ? ProcessingResult.Final(DeliveryState.Rejected, "the remote is not under any of Handler:Git:AllowedRemotes")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        foreach (var push in pushes)
        {
            await fixture.Grain(repository).Enqueue(push);
        }

        Assert.Equal(DeliveryState.Rejected, (await fixture.OutcomeAsync(repository, pushes[^1])).State);
        var stored = await fixture.StoredStateAsync(repository);

        Assert.Equal(repository, stored.Repository?.FullName);
        Assert.Equal(limit, stored.Received.Count);
        Assert.Contains(GitRef.Branch($"refused{limit + 5}"), stored.Received.Keys);
    }

    private static string RepositoryKeyOf(string fullName) => Abstractions.Identity.RepositoryKey.Parse(fullName).Value;
}
