namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// A 202 means stored: the handler killed with SIGKILL after acknowledging still applies the event after a restart.
/// Recovery is watched from outside, in what the API server receives: asking the handler anything (its API, a
/// webhook) would activate the repository, and activation alone drains its inbox.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    /// <summary>The restart, the start-up scan and five deliveries on a busy machine.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    private readonly HandlerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task AcknowledgedPushes_SurviveAKill_AndAreAppliedAfterRestartWithoutANewWebhook()
    {
        var (repo, deliveries) = await _fixture.PendingPushesAsync(5, SafetyNet);
        await _fixture.Handler.KillAsync();
        _fixture.Emulator.Faults.Clear();
        var restartedAt = _fixture.Emulator.Requests.Snapshot().Count;
        await _fixture.Handler.RestartAsync();

        // From here on nothing is sent to the handler: start-up recovery must bring the deliveries back by itself.
        await _fixture.Emulator.Requests.WaitForSuccessfulWritesAsync(deliveries, SafetyNet, "After the kill and restart, with nothing sent to the handler");

        _fixture.AssertWrittenOnceSince(repo, deliveries, restartedAt);
    }

    /// <summary>
    /// The grain's log torn as a crash mid-append leaves it, then a delivery acknowledged, then SIGKILL: after the
    /// restart every acknowledged delivery is still known (a redelivery is a duplicate) and applied.
    /// </summary>
    [Fact]
    public async Task TornGrainLog_ThenAnAcknowledgedPushAndAKill_EveryAcknowledgedDeliveryIsKnownAfterRestart()
    {
        var (repo, head) = await _fixture.NewRepositoryAsync();
        var first = await _fixture.PushNewBranchAsync(repo, head, "one");
        await _fixture.Emulator.Requests.WaitForSuccessfulWritesAsync([first.Delivery], SafetyNet, "After the first push");
        await _fixture.Handler.KillAsync();
        await TearLogAsync(repo.FullName);
        await _fixture.Handler.RestartAsync();

        var second = await _fixture.PushNewBranchAsync(repo, head, "two");
        await _fixture.Emulator.Requests.WaitForSuccessfulWritesAsync([second.Delivery], SafetyNet, "After the push behind the tear");
        await _fixture.Handler.KillAsync();
        await _fixture.Handler.RestartAsync();

        foreach (var (delivery, payload) in new[] { first, second })
        {
            var (status, answer) = await _fixture.Client.SendAsync("push", delivery, payload);
            var outcome = await _fixture.Client.OutcomeAsync(repo.FullName, delivery);
            Assert.Equal(202, status);
            Assert.Equal("duplicate", answer["status"]!.GetValue<string>());
            Assert.Equal("applied", outcome?["state"]?.GetValue<string>());
        }

        Assert.Equal(2, _fixture.WorkflowsOf(repo).Count);
    }

    /// <summary>Appends the first 40 bytes of the repository's log to it: a record cut short, as a crash mid-append leaves one.</summary>
    private async Task TearLogAsync(string repository)
    {
        var log = Directory.GetFiles(Path.Combine(_fixture.Handler.DataDirectory, "grains"), "repository__*.log")
            .Single(f => f.Contains(Uri.EscapeDataString(repository), StringComparison.OrdinalIgnoreCase));
        var start = (await File.ReadAllBytesAsync(log))[..40];
        await using var stream = new FileStream(log, FileMode.Append);
        await stream.WriteAsync(start);
    }
}
