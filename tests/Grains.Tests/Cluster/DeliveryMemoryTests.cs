using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Time.Testing;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A cluster whose repository grains read a clock only the tests move, with small memory limits.</summary>
public sealed class FakeClockClusterFixture() : ClusterFixture(
    new DeliveryOptions
    {
        DeliveryRetention = TimeSpan.FromDays(7),
        MaxRememberedDeliveries = 6,
        HistoryLimit = 4,
        RetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
        RetryFor = TimeSpan.FromDays(3),
    },
    new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero)))
{
    public FakeTimeProvider FakeClock => (FakeTimeProvider)Clock;
}

/// <summary>What a repository remembers and for how long: delivery ids, history records, and the retry window.</summary>
public sealed class DeliveryMemoryTests(FakeClockClusterFixture fixture) : IClassFixture<FakeClockClusterFixture>
{
    private FakeTimeProvider Clock => fixture.FakeClock;

    /// <summary>A check suite: it has no fingerprint, so only its delivery id can make it a duplicate.</summary>
    private static WebhookEvent CheckSuite(string repository, int n) =>
        TestEvents.Push(repository, after: TestEvents.Sha(n), eventType: "check_suite", action: "requested");

    /// <summary>
    /// The record once final. The grain's wait runs on the fake clock, so moving the clock can end it early: it is
    /// asked again until the record is final, with a real deadline as the safety net.
    /// </summary>
    private async Task<DeliveryRecord> FinalAsync(string repository, WebhookEvent e)
    {
        using var deadline = new CancellationTokenSource(ClusterFixture.Wait);
        while (true)
        {
            var record = await fixture.Grain(repository).WaitForOutcome(e.Delivery, ClusterFixture.Wait).WaitAsync(deadline.Token);
            Assert.NotNull(record);
            if (record.IsFinal)
            {
                return record;
            }
        }
    }

    private async Task<DeliveryStatus> EnqueueAndFinishAsync(string repository, WebhookEvent e)
    {
        var status = await fixture.Grain(repository).Enqueue(e);
        await FinalAsync(repository, e);
        return status;
    }

    private int Runs(WebhookEvent e) => fixture.Processor.Calls.Count(c => c.Delivery == e.Delivery);

    [Fact]
    public async Task DeliveryId_IsRememberedForExactlyTheRetention_AndRunsAgainOneTickLater()
    {
        var repository = TestEvents.NewRepository();
        var check = CheckSuite(repository, 1);

        var first = await EnqueueAndFinishAsync(repository, check);
        Clock.Advance(fixture.Options.DeliveryRetention);
        var atTheRetention = await fixture.Grain(repository).Enqueue(check);
        Clock.Advance(TimeSpan.FromTicks(1));
        var pastIt = await EnqueueAndFinishAsync(repository, check);

        Assert.Equal(DeliveryStatus.Queued, first);
        Assert.Equal(DeliveryStatus.Duplicate, atTheRetention);
        Assert.Equal(DeliveryStatus.Queued, pastIt);
        Assert.Equal(2, Runs(check));
    }

    [Fact]
    public async Task RememberedIds_AtTheLimitAllStay_AndEachOneOverForgetsTheOldest()
    {
        var repository = TestEvents.NewRepository();
        var limit = fixture.Options.MaxRememberedDeliveries;
        var checks = Enumerable.Range(100, limit + 1).Select(n => CheckSuite(repository, n)).ToList();
        foreach (var check in checks.Take(limit))
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await EnqueueAndFinishAsync(repository, check);
        }

        var atTheLimit = await RedeliverAsync(repository, checks.Take(limit));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await EnqueueAndFinishAsync(repository, checks[limit]);
        var newest = await RedeliverAsync(repository, checks.Skip(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var oldest = await EnqueueAndFinishAsync(repository, checks[0]);
        var secondOldest = await EnqueueAndFinishAsync(repository, checks[1]);

        Assert.Equal(Enumerable.Repeat(DeliveryStatus.Duplicate, limit), atTheLimit);
        Assert.Equal(Enumerable.Repeat(DeliveryStatus.Duplicate, limit), newest);
        Assert.Equal(DeliveryStatus.Queued, oldest);
        Assert.Equal(DeliveryStatus.Queued, secondOldest);
        Assert.Equal(new[] { 2, 2 }.Concat(Enumerable.Repeat(1, limit - 1)), checks.Select(Runs));
    }

    private async Task<List<DeliveryStatus>> RedeliverAsync(string repository, IEnumerable<WebhookEvent> events)
    {
        var statuses = new List<DeliveryStatus>();
        foreach (var e in events)
        {
            statuses.Add(await fixture.Grain(repository).Enqueue(e));
        }

        return statuses;
    }

    [Fact]
    public async Task PushIdPastTheRetention_IsStillADuplicateWhileTheLastPushOfItsRef_ThenGitDecides()
    {
        var repository = TestEvents.NewRepository();
        var first = TestEvents.Push(repository, after: TestEvents.Sha(501));
        var second = TestEvents.Push(repository, before: TestEvents.Sha(501), after: TestEvents.Sha(502));
        fixture.Graph.Chain(TestEvents.Sha(501), TestEvents.Sha(502));
        await EnqueueAndFinishAsync(repository, first);

        Clock.Advance(TimeSpan.FromDays(30));
        var sameId = await fixture.Grain(repository).Enqueue(first);
        var newId = await fixture.Grain(repository).Enqueue(first with { Delivery = Abstractions.Identity.DeliveryId.Parse(Guid.NewGuid().ToString()) });
        await EnqueueAndFinishAsync(repository, second);
        Clock.Advance(TimeSpan.FromDays(8));
        var afterTheRefMoved = await fixture.Grain(repository).Enqueue(first);
        var outcome = await FinalAsync(repository, first);

        Assert.Equal(DeliveryStatus.Duplicate, sameId);
        Assert.Equal(DeliveryStatus.Duplicate, newId);
        Assert.Equal(DeliveryStatus.Queued, afterTheRefMoved);
        Assert.Equal(DeliveryState.Stale, outcome.State);
        Assert.Equal($"{TestEvents.Sha(501)} is an ancestor of the applied {TestEvents.Sha(502)}", outcome.Reason);
        Assert.Equal(1, Runs(first));
    }

    [Fact]
    public async Task HistoryOverTheLimit_DropsTheOldestRecordsFirst()
    {
        var repository = TestEvents.NewRepository();
        var checks = Enumerable.Range(21, 5).Select(n => CheckSuite(repository, n)).ToList();

        foreach (var check in checks)
        {
            await EnqueueAndFinishAsync(repository, check);
        }

        var kept = (await fixture.Grain(repository).Inspect()).Deliveries.Select(d => d.Delivery);
        Assert.Equal(checks.Skip(1).Reverse().Select(c => c.Delivery), kept);
    }

    [Fact]
    public async Task FailedRecords_AreTrimmedLast_SoTheyCanStillBeRedelivered()
    {
        var repository = TestEvents.NewRepository();
        var checks = Enumerable.Range(31, 6).Select(n => CheckSuite(repository, n)).ToList();
        var failing = true;
        fixture.Processor.Answer = (e, _) => e.Delivery == checks[0].Delivery && failing
            ? ProcessingResult.Final(DeliveryState.Failed, "API server answered 503")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        foreach (var check in checks)
        {
            await EnqueueAndFinishAsync(repository, check);
        }

        var kept = (await fixture.Grain(repository).Inspect()).Deliveries.Select(d => d.Delivery).ToList();
        failing = false;
        var redelivered = await EnqueueAndFinishAsync(repository, checks[0]);

        Assert.Equal([checks[5].Delivery, checks[4].Delivery, checks[3].Delivery, checks[0].Delivery], kept);
        Assert.Equal(DeliveryStatus.Queued, redelivered);
        Assert.Equal(DeliveryState.Applied, (await FinalAsync(repository, checks[0])).State);
    }

    [Fact]
    public async Task PendingRecords_AreNeverTrimmed_TheLimitHoldsAgainAtTheNextArrival()
    {
        var repository = TestEvents.NewRepository();
        var checks = Enumerable.Range(41, 6).Select(n => CheckSuite(repository, n)).ToList();
        var ping = TestEvents.Push(repository, eventType: "ping");
        fixture.Processor.Hold(checks[0].Delivery.Value);
        foreach (var check in checks)
        {
            await fixture.Grain(repository).Enqueue(check);
        }

        var whilePending = (await fixture.Grain(repository).Inspect()).Deliveries.Count;
        fixture.Processor.Release(checks[0].Delivery.Value);
        foreach (var check in checks)
        {
            await FinalAsync(repository, check);
        }

        var afterwards = (await fixture.Grain(repository).Inspect()).Deliveries.Count;
        await fixture.Grain(repository).Enqueue(ping);
        var kept = (await fixture.Grain(repository).Inspect()).Deliveries.Select(d => d.Delivery);

        Assert.Equal(6, whilePending);
        Assert.Equal(6, afterwards);
        Assert.Equal(new[] { ping.Delivery }.Concat(checks.Skip(3).Reverse().Select(c => c.Delivery)), kept);
    }

    [Fact]
    public async Task TransientFailure_WithoutAnAttemptCap_IsRetriedUntilTheNextAttemptWouldFallPastRetryFor()
    {
        var repository = TestEvents.NewRepository();
        var check = CheckSuite(repository, 51);
        fixture.Processor.Answer = (e, _) =>
        {
            if (e.Delivery != check.Delivery)
            {
                return new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);
            }

            // Each attempt takes a day of the grain's time.
            Clock.Advance(TimeSpan.FromDays(1));
            return ProcessingResult.Retry("API server answered 503");
        };

        // Every reading of the clock moves it by the retry delay, so a retry that is due is never waited for.
        Clock.AutoAdvanceAmount = fixture.Options.RetryDelay;
        try
        {
            await fixture.Grain(repository).Enqueue(check);
            var outcome = await FinalAsync(repository, check);

            Assert.Null(fixture.Options.MaxAttempts);
            Assert.Equal(DeliveryState.Failed, outcome.State);
            Assert.Equal("API server answered 503", outcome.Reason);
            Assert.Equal(3, outcome.Attempts);
            Assert.Equal(3, Runs(check));
        }
        finally
        {
            Clock.AutoAdvanceAmount = TimeSpan.Zero;
        }
    }
}
