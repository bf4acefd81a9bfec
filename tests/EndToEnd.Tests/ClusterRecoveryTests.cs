namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// Cluster mode, each part its own process: the silo holding a repository dies by SIGKILL with acknowledged
/// deliveries pending, and the reminder in Redis wakes the repository on the other silo. Watched only in what the
/// API server receives: nothing sends the handler a webhook or asks its API, which would activate the repository.
/// </summary>
public sealed class ClusterRecoveryTests : IAsyncLifetime
{
    /// <summary>Membership declaring the killed silo dead, the reminder's next tick (once a minute), three deliveries.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(6);

    private readonly ClusterHandlerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task SiloHoldingTheRepositoryKilled_PendingDeliveriesAreAppliedByTheReminderOnTheOtherSilo()
    {
        var (repo, deliveries) = await _fixture.PendingPushesAsync(3, SafetyNet);
        // Only now a second silo: the repository is active on the first, the only one there was, and stays there.
        var holding = _fixture.Silos.Single();
        await _fixture.StartSiloAsync();
        await holding.KillAsync();
        _fixture.Emulator.Faults.Clear();
        var killedAt = _fixture.Emulator.Requests.Snapshot().Count;

        await _fixture.Emulator.Requests.WaitForSuccessfulWritesAsync(deliveries, SafetyNet,
            "After the silo holding the repository was killed, with nothing sent to the handler");

        _fixture.AssertWrittenOnceSince(repo, deliveries, killedAt);
        Assert.True(_fixture.Silos[1].IsRunning, "the surviving silo exited:\n" + _fixture.Silos[1].Log);
    }
}
