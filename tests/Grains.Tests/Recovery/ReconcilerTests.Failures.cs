using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Recovery;

namespace K8sWebhookHandler.Grains.Tests.Recovery;

/// <summary>What a run does when GitHub, the handler or the hook itself is not as it should be.</summary>
public sealed partial class ReconcilerTests
{
    [Fact]
    public async Task ALearnedHook_ThatDoesNotListTheDeliveryItWasLearnedFrom_IsForgotten_WithNothingAskedFor()
    {
        _state.Learn(Hook, "taught-by-this");
        _github.Deliver(Hook, "someone-elses", 0);

        var run = await RunAsync();

        Assert.Empty(Redelivered());
        Assert.Empty(_state.Hooks);
        Assert.Equal(RecoveryOutcome.Failed, run.Outcome);
        Assert.Contains(run.Errors!, e => e.Contains("taught-by-this", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneDeliveryThatCannotBeAskedFor_DoesNotStopTheOthers_AndHoldsTheCheckpoint()
    {
        _github.Deliver(Hook, "expired", 0, ago: TimeSpan.FromMinutes(3));
        _github.Deliver(Hook, "grain-away", 0, ago: TimeSpan.FromMinutes(2));
        _github.Deliver(Hook, "fine", 0, ago: TimeSpan.FromMinutes(1));
        _github.RedeliveryFailure = guid => guid == "expired" ? new DeliveryRefusedException("GitHub answered 404 asking to redeliver") : null;
        _unknowable.Add("grain-away");

        var run = await RunAsync();

        Assert.Equal(["fine"], Redelivered());
        Assert.Equal((RecoveryOutcome.Failed, 1), (run.Outcome, run.Requested));
        Assert.Equal(2, run.Errors!.Count);
        Assert.False(_state.Checkpoints.ContainsKey(Hook.Name));
        Assert.Equal((1, 1), (_state.Requested["expired"].Times, _state.Requested["grain-away"].Times));
    }

    [Fact]
    public async Task DeliveriesTheHandlerItselfRefused_AreNotAskedFor_AndThoseNobodyTookAre()
    {
        foreach (var (guid, status) in new[] { ("bad-payload", 400), ("bad-signature", 401), ("too-large", 413), ("down", 0), ("bad-gateway", 502), ("unavailable", 503) })
        {
            _github.Deliver(Hook, guid, status);
        }

        await RunAsync();

        Assert.Equal(["bad-gateway", "down", "unavailable"], Redelivered().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AListingLongerThanItsPages_HoldsTheCheckpoint()
    {
        var github = new FakeHookRecord(_clock) { PageSize = 1 };
        for (var i = 0; i <= Reconciler.MaxPages; i++)
        {
            github.Deliver(Hook, $"d-{i}", 200, ago: TimeSpan.FromSeconds(Reconciler.MaxPages - i + 1));
        }

        var run = await new Reconciler(_state, github, Knows, new RecoveryOptions(), _clock, () => Task.CompletedTask)
            .RunAsync([Hook], new RecoveryRun(_clock.GetUtcNow(), RecoveryTrigger.Schedule), _ => { }, CancellationToken.None);

        Assert.Equal((RecoveryOutcome.Failed, Reconciler.MaxPages), (run.Outcome, run.Listed));
        Assert.False(_state.Checkpoints.ContainsKey(Hook.Name));
    }

    [Fact]
    public async Task GitHubsRateLimit_HoldsTheRunsAfterIt_UntilTheTimeGitHubSaid()
    {
        _github.Deliver(Hook, "down", 0);
        _github.FailNext = new TransientException("GitHub's rate limit stops listing") { NotBefore = Start.AddMinutes(30) };
        await RunAsync();
        _clock.Advance(TimeSpan.FromMinutes(10));
        var listedBefore = _github.Cursors.Count;

        var held = await RunAsync();
        var listedWhileHeld = _github.Cursors.Count - listedBefore;
        _clock.Advance(TimeSpan.FromMinutes(21));
        var after = await RunAsync();

        Assert.Equal((RecoveryOutcome.RateLimited, 0), (held.Outcome, listedWhileHeld));
        Assert.Equal((RecoveryOutcome.Completed, 1), (after.Outcome, after.Requested));
        Assert.Equal(["down"], Redelivered());
    }
}
