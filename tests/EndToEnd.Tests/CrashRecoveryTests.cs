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
        try
        {
            await _fixture.Emulator.Requests.WaitForSuccessfulWritesAsync(deliveries, SafetyNet, "After the kill and restart, with nothing sent to the handler");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // What the restarted process said is what tells a delivery missing from the journal from one never drained.
            throw new InvalidOperationException($"{e.Message}\nThe restarted handler's log:\n{_fixture.Handler.Log}", e);
        }

        _fixture.AssertWrittenOnceSince(repo, deliveries, restartedAt);
    }

    /// <summary>
    /// The journal's write-ahead log torn as a crash mid-commit leaves it, then a delivery acknowledged, then SIGKILL:
    /// after the restart every acknowledged delivery is still known (a redelivery is a duplicate) and applied.
    /// </summary>
    [Fact]
    public async Task TornJournal_ThenAnAcknowledgedPushAndAKill_EveryAcknowledgedDeliveryIsKnownAfterRestart()
    {
        var (repo, head) = await _fixture.NewRepositoryAsync();
        var first = await _fixture.PushNewBranchAsync(repo, head, "one");
        await _fixture.Emulator.Requests.WaitForSuccessfulWritesAsync([first.Delivery], SafetyNet, "After the first push");
        await _fixture.Handler.KillAsync();
        await TearJournalAsync();
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

    /// <summary>
    /// Appends a frame cut short to the journal's write-ahead log, as a crash in the middle of a commit leaves one: the
    /// log's first frame header (with the log's own salt, so it is taken for a frame) and 16 bytes of its page.
    /// </summary>
    private async Task TearJournalAsync()
    {
        var wal = Path.Combine(_fixture.Handler.DataDirectory, "journal.db-wal");
        var frame = (await File.ReadAllBytesAsync(wal))[32..72];
        await using var stream = new FileStream(wal, FileMode.Append);
        await stream.WriteAsync(frame);
    }
}
