using System.Text.Json;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Recovery;
using K8sWebhookHandler.Grains.Storage;
using Microsoft.Extensions.Time.Testing;

namespace K8sWebhookHandler.Grains.Tests.Recovery;

/// <summary>One reconciler run after another over a fake GitHub record: what is asked for again, what never is, and what the state keeps.</summary>
public sealed partial class ReconcilerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    private static readonly WebhookHook Hook = new(HookKind.Repository, 7, RepositoryKey.Parse("octo/app"));
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecoveryState _state = new();
    private readonly FakeHookRecord _github;
    private readonly HashSet<string> _recorded = [];
    private readonly List<int> _requestedAtSave = [];

    /// <summary>When set, whether the repository recorded a delivery cannot be learned for these GUIDs (its grain away).</summary>
    private readonly HashSet<string> _unknowable = [];

    public ReconcilerTests() => _github = new FakeHookRecord(_clock);

    private Task<RecoveryRun> RunAsync(RecoveryOptions? options = null, WebhookHook? hook = null, Func<string, bool>? actsOn = null)
    {
        var reconciler = new Reconciler(_state, _github, Knows, options ?? new RecoveryOptions(), _clock, () =>
        {
            _requestedAtSave.Add(_state.Requested.Count);
            return Task.CompletedTask;
        }, actsOn);
        return reconciler.RunAsync([hook ?? Hook], new RecoveryRun(_clock.GetUtcNow(), RecoveryTrigger.Schedule), _ => { }, CancellationToken.None);
    }

    private Task<bool> Knows(RepositoryKey repository, DeliveryId id) =>
        _unknowable.Contains(id.Value) ? Task.FromException<bool>(new TimeoutException("the repository grain did not answer")) : Task.FromResult(_recorded.Contains(id.Value));

    private string[] Redelivered() => _github.Redelivered.Select(r => r.Guid).ToArray();

    [Fact]
    public async Task FailedDeliveriesOfEventsTheHandlerDoesNotActOn_AreNotAskedFor()
    {
        var events = new Delivery.DeliveryOptions();
        _github.Deliver(Hook, "a-push", 0, ago: TimeSpan.FromMinutes(5));
        _github.Deliver(Hook, "a-star", 0, ago: TimeSpan.FromMinutes(4), eventName: "star");
        _github.Deliver(Hook, "a-ping", 0, ago: TimeSpan.FromMinutes(3), eventName: "ping");
        _github.Deliver(Hook, "a-comment", 0, ago: TimeSpan.FromMinutes(2), eventName: "issue_comment");
        _github.Deliver(Hook, "a-release", 0, ago: TimeSpan.FromMinutes(1), eventName: "release");

        var run = await RunAsync(actsOn: events.ActsOn);
        var optedIn = new Delivery.DeliveryOptions { Events = ["push", "release"] };
        _clock.Advance(TimeSpan.FromMinutes(10));
        var again = await RunAsync(actsOn: optedIn.ActsOn);

        Assert.Equal(["a-push", "a-comment", "a-release"], Redelivered());
        Assert.Equal((5, 2, 2), (run.Listed, run.Failed, run.Requested));
        Assert.Equal(["a-release"], again.Deliveries!);
    }

    [Fact]
    public async Task FailedDeliveriesTheHandlerNeverRecorded_AreAskedForOnce_OldestFirst()
    {
        _github.Deliver(Hook, "ok", 202, ago: TimeSpan.FromMinutes(4));
        _github.Deliver(Hook, "later", 0, ago: TimeSpan.FromMinutes(2));
        _github.Deliver(Hook, "first", 0, ago: TimeSpan.FromMinutes(3));
        _github.Deliver(Hook, "recorded", 504, ago: TimeSpan.FromMinutes(1));
        _recorded.Add("recorded");

        var run = await RunAsync();
        _clock.Advance(TimeSpan.FromMinutes(10));
        var again = await RunAsync();

        Assert.Equal(["first", "later"], Redelivered());
        Assert.Equal((RecoveryOutcome.Completed, 4, 3, 1, 2), (run.Outcome, run.Listed, run.Failed, run.AlreadyRecorded, run.Requested));
        Assert.Equal(["first", "later"], run.Deliveries!);
        Assert.Equal((RecoveryOutcome.Completed, 0), (again.Outcome, again.Requested));
        Assert.Empty(_state.Requested);

        // GitHub's clock: the newest attempt listed, the redeliveries made during the first run.
        Assert.Equal(Start, _state.Checkpoints[Hook.Name]);
        Assert.Equal([1, 2, 2, 0], _requestedAtSave);
    }

    [Fact]
    public async Task ARedeliveryGitHubHasNotMade_WaitsForItsPatience_AndOneThatFailedAgain_IsAskedForUpToThreeTimes()
    {
        _github.Deliver(Hook, "down", 0);
        _github.Receiver = _ => null;
        await RunAsync();
        _clock.Advance(TimeSpan.FromMinutes(10));
        await RunAsync();
        var unmade = Redelivered().Length;

        _github.Receiver = _ => 0;
        _clock.Advance(Reconciler.Patience);
        for (var run = 0; run < 5; run++)
        {
            await RunAsync();
            _clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(1, unmade);
        Assert.Equal(Reconciler.MaxRequestsPerDelivery, Redelivered().Length);
        Assert.Equal(Reconciler.MaxRequestsPerDelivery, _state.Requested["down"].Times);
    }

    [Fact]
    public async Task AtTheCap_TheRunStops_AndTheNextGoesOnFromTheSameCheckpoint_AskingForNoneTwice()
    {
        var guids = Enumerable.Range(0, 5).Select(i => $"failed-{i}").ToArray();
        for (var i = 0; i < guids.Length; i++)
        {
            _github.Deliver(Hook, guids[i], 0, ago: TimeSpan.FromMinutes(10 - i));
        }

        var options = new RecoveryOptions { MaxRedeliveriesPerRun = 2 };
        _github.Receiver = _ => null;
        var runs = new List<RecoveryRun>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await RunAsync(options));
            _clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal([RecoveryOutcome.Capped, RecoveryOutcome.Capped, RecoveryOutcome.Completed], runs.Select(r => r.Outcome));
        Assert.Equal(guids, Redelivered());
        Assert.Equal(Start - TimeSpan.FromMinutes(6), _state.Checkpoints[Hook.Name]);
    }

    [Fact]
    public async Task AfterACompletedRun_TheNextListsOnlyBackToItsCheckpoint()
    {
        for (var i = 0; i < 10; i++)
        {
            _github.Deliver(Hook, $"old-{i}", 200, ago: TimeSpan.FromHours(2) + TimeSpan.FromMinutes(10 * (9 - i)));
        }

        await RunAsync();
        var firstListing = _github.Cursors.Count;
        _clock.Advance(TimeSpan.FromHours(1));
        _github.Deliver(Hook, "new", 0);
        _github.Cursors.Clear();
        await RunAsync();

        Assert.Equal(4, firstListing);
        Assert.Equal([null], _github.Cursors);
        Assert.Equal(["new"], Redelivered());
    }

    [Fact]
    public async Task AFailedDeliveryOlderThanTheWindow_IsNotAskedFor()
    {
        _github.Deliver(Hook, "too-old", 0, ago: TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        _github.Deliver(Hook, "in-window", 0, ago: TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));

        var run = await RunAsync();

        Assert.Equal(["in-window"], Redelivered());
        Assert.Equal(1, run.Failed);
    }

    [Fact]
    public async Task GitHubsRateLimit_EndsTheRun_WithNothingAskedFor_AndNoCheckpoint()
    {
        _github.Deliver(Hook, "down", 0);
        _github.FailNext = new TransientException("GitHub's rate limit stops listing") { NotBefore = Start.AddMinutes(30) };

        var run = await RunAsync();

        Assert.Equal(RecoveryOutcome.RateLimited, run.Outcome);
        Assert.Contains(run.Errors!, e => e.Contains("rate limit", StringComparison.Ordinal));
        Assert.Empty(Redelivered());
        Assert.Empty(_state.Checkpoints);
    }

    [Fact]
    public async Task AHookGitHubDoesNotKnow_IsForgotten()
    {
        _state.Learn(Hook, "taught");
        _state.Checkpoints[Hook.Name] = Start.AddHours(-1);
        _github.FailNext = new HookGoneException("GitHub answered 404");

        var run = await RunAsync();

        Assert.Equal(RecoveryOutcome.Failed, run.Outcome);
        Assert.Empty(_state.Hooks);
        Assert.Empty(_state.Checkpoints);
    }

    [Fact]
    public async Task TheAppsHook_ReadsTheRepositoryFromTheDelivery_AndLeavesDeliveriesAboutNoRepository()
    {
        _github.Deliver(WebhookHook.App, "push", 0, repository: "octo/app", ago: TimeSpan.FromMinutes(2));
        _github.Deliver(WebhookHook.App, "installation", 0, repository: null, ago: TimeSpan.FromMinutes(1));
        _github.Deliver(WebhookHook.App, "hostile-name", 0, repository: "../../etc", ago: TimeSpan.FromMinutes(1));

        var run = await RunAsync(hook: WebhookHook.App);

        Assert.Equal(["push"], Redelivered());
        Assert.Equal((3, 1), (run.Failed, run.Requested));
    }

    [Fact]
    public async Task TheState_ReadsBackAsWritten()
    {
        _state.Learn(Hook, "down");
        _github.Deliver(Hook, "down", 0);
        var run = await RunAsync();
        _state.Record(run);

        var written = JsonSerializer.Serialize(_state, StateJson.Options);
        var read = JsonSerializer.Deserialize<RecoveryState>(written, StateJson.Options)!;

        Assert.Equal(written, JsonSerializer.Serialize(read, StateJson.Options));
        Assert.Equal([Hook], read.Hooks);
        Assert.Equal(_state.Requested["down"], read.Requested["down"]);
        Assert.Empty(read.Unverified);
    }
}
