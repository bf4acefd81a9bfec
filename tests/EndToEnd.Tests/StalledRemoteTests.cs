using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The handler allowed to fetch from a remote that accepts connections and never answers, with a short deadline.</summary>
public sealed class StalledRemoteFixture : HandlerFixture
{
    public SilentServer Stalled { get; } = SilentServer.Start();

    /// <summary><c>git://127.0.0.1:PORT/</c> of the stalled remote.</summary>
    public string StalledRoot => $"git://127.0.0.1:{Stalled.Port}/";

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Handler__Git__AllowedRemotes__1"] = StalledRoot,
        ["Handler__Git__FetchTimeout"] = "00:00:05",
        ["Handler__Git__ConnectTimeout"] = "00:00:02",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Stalled.DisposeAsync();
    }
}

/// <summary>
/// A stalled git server holds up only its own repository: the push stays queued and is retried with a reason that
/// says the fetch timed out, while another repository's push is applied meanwhile.
/// </summary>
public sealed class StalledRemoteTests(StalledRemoteFixture fixture) : IClassFixture<StalledRemoteFixture>
{
    /// <summary>Only a safety net for the polling below; nothing is asserted about how long anything takes.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task PushFromAStalledRemote_StaysQueuedAsTimedOut_WhileAnotherRepositoryIsApplied()
    {
        const string stalledName = "e2e/stalled";
        var stalledUrl = new Uri(fixture.StalledRoot + stalledName + ".git");
        var stalledDelivery = Guid.NewGuid().ToString();
        var (healthy, head) = await fixture.NewRepositoryAsync();
        var after = await healthy.CommitFileAsync("main", "src/app.txt", "change");
        var healthyDelivery = Guid.NewGuid().ToString();

        var (stalledStatus, _) = await fixture.Client.SendAsync("push", stalledDelivery,
            GitHubPayloads.Push(stalledName, stalledUrl, stalledUrl, "refs/heads/main", head, after));
        var attempted = await FirstAttemptAsync(stalledName, stalledDelivery);
        var (healthyStatus, _) = await fixture.Client.SendAsync("push", healthyDelivery, fixture.PushPayload(healthy, "refs/heads/main", head, after));
        var applied = await fixture.Client.OutcomeAsync(healthy.FullName, healthyDelivery);
        var stillStalled = await RecordAsync(stalledName, stalledDelivery);

        Assert.Equal((202, 202), (stalledStatus, healthyStatus));
        Assert.Equal("queued", attempted["state"]!.GetValue<string>());
        Assert.Equal("applied", applied!["state"]!.GetValue<string>());
        Assert.Single(fixture.WorkflowsOf(healthy));
        Assert.Equal("queued", stillStalled!["state"]!.GetValue<string>());
        Assert.True(stillStalled["attempts"]!.GetValue<int>() >= attempted["attempts"]!.GetValue<int>());
        Assert.Equal(
            $"git fetch of {stalledName} from {stalledUrl} timed out after 00:00:05 (Handler:Git:FetchTimeout)",
            stillStalled["reason"]!.GetValue<string>());
        Assert.True(fixture.Handler.IsRunning);
    }

    [Theory]
    [InlineData("foo://127.0.0.1/e2e/refused.git", "uses the scheme 'foo'; only https, http and git remotes are supported")]
    [InlineData("file:///etc", "is not under any of Handler:Git:AllowedRemotes")]
    public async Task PushFromARefusedRemote_IsRejectedOnTheFirstAttempt_AndTheHandlerStaysUp(string remote, string reason)
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var payload = GitHubPayloads.Push(repo.FullName, new Uri(remote), new Uri(remote), "refs/heads/main", GitHubPayloads.Zero, head, created: true);
        var delivery = Guid.NewGuid().ToString();

        var (status, _) = await fixture.Client.SendAsync("push", delivery, payload);
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal(202, status);
        Assert.Equal(("rejected", 1), (outcome!["state"]!.GetValue<string>(), outcome["attempts"]!.GetValue<int>()));
        Assert.Equal($"the remote {remote} {reason}", outcome["reason"]!.GetValue<string>());
        Assert.Empty(fixture.WorkflowsOf(repo));
        Assert.True(fixture.Handler.IsRunning);
    }

    /// <summary>Polls the repository's inspection record until the delivery shows a failed attempt.</summary>
    private async Task<JsonObject> FirstAttemptAsync(string repository, string delivery)
    {
        using var timeout = new CancellationTokenSource(SafetyNet);
        while (true)
        {
            if (await RecordAsync(repository, delivery) is { } record && record["attempts"]!.GetValue<int>() > 0)
            {
                return record;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    private async Task<JsonObject?> RecordAsync(string repository, string delivery)
    {
        using var response = await fixture.Client.Management.GetAsync($"/api/repositories/{repository}");
        var snapshot = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return snapshot["deliveries"]!.AsArray().Select(d => d!.AsObject()).SingleOrDefault(d => d["delivery"]!.GetValue<string>() == delivery);
    }
}
