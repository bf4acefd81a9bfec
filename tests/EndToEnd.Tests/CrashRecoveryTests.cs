using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>A 202 means stored: the handler killed with SIGKILL right after acknowledging still applies the event after a restart.</summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly HandlerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task AcknowledgedPushes_SurviveAKill_AndAreAppliedAfterRestartWithoutANewWebhook()
    {
        var (repo, head) = await _fixture.NewRepositoryAsync();
        var deliveries = new List<string>();
        // The API server is made to fail so that the acknowledged deliveries are still pending when the process dies.
        _fixture.Emulator.Faults.FailNext(1000, 503, r => r.Method == "POST");
        // One branch each, so that no push supersedes another: every one of them is due.
        for (var i = 0; i < 5; i++)
        {
            var branch = $"feature-{i}";
            var after = await repo.CommitAsync(branch, new Dictionary<string, string?> { ["n.txt"] = branch }, branch, startPoint: head);
            var delivery = Guid.NewGuid().ToString();
            var (status, answer) = await _fixture.Client.SendAsync("push", delivery, _fixture.PushPayload(repo, $"refs/heads/{branch}", GitHubPayloads.Zero, after, created: true));
            Assert.Equal(202, status);
            Assert.Equal("queued", answer["status"]!.GetValue<string>());
            deliveries.Add(delivery);
        }

        await _fixture.Emulator.Requests.WaitForAsync(r => r.Method == "POST" && r.StatusCode == 503, TimeSpan.FromSeconds(30));
        await _fixture.Handler.KillAsync();
        _fixture.Emulator.Faults.Clear();
        await _fixture.Handler.RestartAsync();

        // Nothing asks the handler about these deliveries until the API server has seen every one of them created:
        // recovery on start-up, not an activation by the inspection API, must bring them back.
        for (var i = 0; i < deliveries.Count; i++)
        {
            var delivery = deliveries[i];
            await _fixture.Emulator.Requests.WaitForAsync(
                r => r.Method == "POST" && r.StatusCode == 201 && r.Body.Contains(delivery, StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        }

        foreach (var delivery in deliveries)
        {
            var outcome = await _fixture.Client.OutcomeAsync(repo.FullName, delivery);
            Assert.Equal("applied", outcome!["state"]!.GetValue<string>());
        }

        Assert.Equal(deliveries.Count, _fixture.WorkflowsOf(repo).Count);
        var (againStatus, again) = await _fixture.Client.SendAsync("push", deliveries[0], _fixture.PushPayload(repo, "refs/heads/feature-0", GitHubPayloads.Zero, head));
        Assert.Equal(202, againStatus);
        Assert.Equal("duplicate", again["status"]!.GetValue<string>());
    }
}
