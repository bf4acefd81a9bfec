using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Recovery;

namespace K8sWebhookHandler.Grains.Tests.Recovery;

/// <summary>The reconciler's stored state as a new activation finds it after its process was killed mid-run.</summary>
public sealed class RecoveryStateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ARunStoredAsRunning_IsEndedAsFailedSayingItWasCutShort_AndFinishedRunsAreKeptAsTheyAre()
    {
        var finished = new RecoveryRun(Start, RecoveryTrigger.Start, RecoveryOutcome.Completed, Start.AddSeconds(1), Requested: 2);
        var cut = new RecoveryRun(Start.AddMinutes(10), RecoveryTrigger.Schedule, Listed: 6, Requested: 1, Deliveries: ["lost-1"]);
        var state = new RecoveryState { Runs = [cut, finished] };

        state.EndCutShort();

        var ended = state.Runs[0];
        Assert.Equal((RecoveryOutcome.Failed, null, 6, 1), (ended.Outcome, ended.FinishedAt, ended.Listed, ended.Requested));
        Assert.Equal(["lost-1"], ended.Deliveries);
        Assert.Contains("cut short", Assert.Single(ended.Errors!), StringComparison.Ordinal);
        Assert.Same(finished, state.Runs[1]);
    }
}
