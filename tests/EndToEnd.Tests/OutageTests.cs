using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>An API server that is down for longer than any fixed attempt budget loses nothing the handler acknowledged.</summary>
public sealed class OutageTests(HandlerFixture fixture) : IClassFixture<HandlerFixture>
{
    /// <summary>More attempts than the eight after which deliveries used to be given up as failed.</summary>
    private const int FailedAttempts = 10;

    [Fact]
    public async Task ApiServerDownForManyAttempts_EveryAcknowledgedDeliveryIsAppliedExactlyOnce_WhenItIsBack()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var outage = fixture.Emulator.Faults.FailNext(int.MaxValue, 503, r => r.Method == "POST" && r.Body.Contains(repo.FullName, StringComparison.Ordinal));
        var deliveries = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var branch = $"outage-{i}";
            var after = await repo.CommitAsync(branch, new Dictionary<string, string?> { ["n.txt"] = branch }, branch, startPoint: head);
            var delivery = Guid.NewGuid().ToString();
            var (status, answer) = await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, $"refs/heads/{branch}", GitHubPayloads.Zero, after, created: true));
            Assert.Equal(202, status);
            Assert.Equal("queued", answer["status"]!.GetValue<string>());
            deliveries.Add(delivery);
        }

        await WaitUntilEachHasFailedAsync(deliveries, FailedAttempts);
        fixture.Emulator.Faults.Clear();

        foreach (var delivery in deliveries)
        {
            var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
            Assert.Equal("applied", outcome!["state"]!.GetValue<string>());
            Assert.True(outcome["attempts"]!.GetValue<int>() > FailedAttempts, outcome.ToJsonString());
        }

        var workflows = fixture.WorkflowsOf(repo);
        Assert.Equal(deliveries.Order(), workflows.Select(w => w["metadata"]!["labels"]!["k8s-webhook-handler.io/delivery"]!.GetValue<string>()).Order());
        Assert.True(outage.Remaining > 0);
    }

    /// <summary>Waits on the API server's request log, which checks again on every request it receives and answers.</summary>
    private async Task WaitUntilEachHasFailedAsync(IReadOnlyList<string> deliveries, int attempts)
    {
        try
        {
            await fixture.Emulator.Requests.WaitUntilAsync(
                log => deliveries.All(d => log.Count(r => r.StatusCode == 503 && r.Body.Contains(d, StringComparison.Ordinal)) >= attempts),
                TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            var counts = deliveries.Select(d => fixture.Emulator.Requests.Snapshot().Count(r => r.StatusCode == 503 && r.Body.Contains(d, StringComparison.Ordinal)));
            Assert.Fail($"not every delivery was answered 503 {attempts} times within 3 minutes; counts: {string.Join(", ", counts)}");
        }
    }
}
