using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The handler with a small attempt cap, so that a delivery ends <c>failed</c> within a test.</summary>
public sealed class FewAttemptsFixture : HandlerFixture
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } =
        new Dictionary<string, string> { ["Handler__MaxAttempts"] = "2" };
}

/// <summary>A failed delivery is never the end: GitHub's redelivery and the operator's retry bring it back.</summary>
public sealed class RetryEndpointTests(FewAttemptsFixture fixture) : IClassFixture<FewAttemptsFixture>
{
    [Fact]
    public async Task RedeliveryOfAFailedDelivery_IsQueuedAgain_AndApplied()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var outage = fixture.Emulator.Faults.FailNext(int.MaxValue, 503, r => r.Method == "POST" && r.Body.Contains(repo.FullName, StringComparison.Ordinal));
        var delivery = Guid.NewGuid().ToString();
        var payload = fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head);

        await fixture.Client.SendAsync("push", delivery, payload);
        var failed = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        fixture.Emulator.Faults.Clear();
        var (status, redelivered) = await fixture.Client.SendAsync("push", delivery, payload);
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal("failed", failed!["state"]!.GetValue<string>());
        Assert.Equal(2, failed["attempts"]!.GetValue<int>());
        Assert.Equal((202, "queued"), (status, redelivered["status"]!.GetValue<string>()));
        Assert.Equal("applied", outcome!["state"]!.GetValue<string>());
        Assert.Single(fixture.WorkflowsOf(repo));
        Assert.True(outage.Remaining > 0);
    }

    [Fact]
    public async Task OperatorRetryOfAnAppliedDelivery_RunsItAgainUnderANewName()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var delivery = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        var first = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        using var response = await fixture.Client.Management.PostAsync($"/api/repositories/{repo.FullName}/deliveries/{delivery}/retry", null);
        var again = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal("applied", first!["state"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("applied", again!["state"]!.GetValue<string>());
        Assert.Equal(1, again["rerun"]!.GetValue<int>());
        var names = fixture.WorkflowsOf(repo).Select(w => w["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(2, names.Distinct().Count());
        Assert.Contains(again["objects"]![0]!["name"]!.GetValue<string>(), names);
    }

    [Fact]
    public async Task OperatorRetryOfAnUnknownOrIgnoredDelivery_Is404Or409()
    {
        var (repo, _) = await fixture.NewRepositoryAsync();
        var ping = Guid.NewGuid().ToString();
        var payload = GitHubPayloads.Load("ping/payload.json");
        GitHubPayloads.PointAt(payload, repo.FullName, fixture.Git.GitUrl(repo.FullName), fixture.Git.HttpUrl(repo.FullName));
        await fixture.Client.SendAsync("ping", ping, payload);

        using var unknown = await fixture.Client.Management.PostAsync($"/api/repositories/{repo.FullName}/deliveries/never-sent/retry", null);
        using var ignored = await fixture.Client.Management.PostAsync($"/api/repositories/{repo.FullName}/deliveries/{ping}/retry", null);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, ignored.StatusCode);
    }
}
