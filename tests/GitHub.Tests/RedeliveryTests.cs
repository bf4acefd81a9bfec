using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;
using K8sWebhookHandler.GitHubApiEmulator.State;
using static K8sWebhookHandler.GitHub.Tests.Support.HookCalls;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>Deliveries that fail as GitHub records them, redelivery through the hook, and faults on these endpoints.</summary>
public sealed class RedeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Redeliver_AFailedDelivery_PostsTheOriginalSignedWithTheHooksCurrentSecretAndLogsARedelivery()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hooks = world.Emulator.Hooks;
        var hook = hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var failed = await hooks.DeliverAsync(hook, "push", Push(1));
        await using var receiver = await WebhookReceiver.StartAsync();
        hooks.UpdateHook(hook, receiver.Url, "rotated-secret");

        var (status, body, _) = await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{failed.Id}/attempts", authorization: Token);
        var recordedByTheAnswer = hooks.Redeliveries;
        await receiver.WaitUntilAsync(r => r.Count == 1, Patience);
        var redelivery = await hooks.WaitForAttemptAsync(hook, a => a.Redelivery, Patience);
        var listed = await PageAsync(world, RepositoryHook(hook), Token);

        var got = receiver.Received.Single();
        Assert.Equal((0, "failed to connect to host"), (failed.StatusCode, failed.Status));
        Assert.Equal((202, "{}"), (status, body));
        Assert.Equal([new RedeliveryRequest(hook, failed.Id, failed.Guid)], recordedByTheAnswer);
        Assert.Equal(Push(1), got.Body);
        Assert.Equal(failed.Guid, got.Header("X-GitHub-Delivery"));
        Assert.Equal(Signature("rotated-secret", got.Body), got.Header("X-Hub-Signature-256"));
        Assert.Equal((failed.Guid, 202, "OK", failed.Payload), (redelivery.Guid, redelivery.StatusCode, redelivery.Status, redelivery.Payload));
        Assert.True(redelivery.Id > failed.Id);
        Assert.Equal([redelivery.Id, failed.Id], Ids(listed.Items));
        Assert.Equal([true, false], listed.Items.Select(i => i!["redelivery"]!.GetValue<bool>()));
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.Violations.Concat(r.ResponseViolations)));
    }

    [Fact]
    public async Task Deliver_ToAReceiverSlowerThanTheLimit_IsLoggedAsTimedOutWithStatusCode0()
    {
        await using var world = await GitHubWorld.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource();
        receiver.Hold = release.Task;
        world.Emulator.Webhooks.Timeout = TimeSpan.FromMilliseconds(300);
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", receiver.Url, Secret);

        HookAttempt attempt;
        try
        {
            attempt = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(1)).WaitAsync(Patience);
        }
        finally
        {
            release.SetResult();
        }

        Assert.Single(receiver.Received);
        Assert.Equal((0, "timed out"), (attempt.StatusCode, attempt.Status));
        Assert.Equal(TimeSpan.FromSeconds(10), GitHubApiEmulator.Webhooks.WebhookSender.DefaultTimeout);
    }

    [Fact]
    public async Task AttemptIds_AcrossHooks_AreUniqueAndIncreaseInTheOrderAttemptsAreMade()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hooks = world.Emulator.Hooks;
        var first = hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var second = hooks.AddAppHook(GitHubWorld.AppId, WebhookReceiver.Down(), Secret);

        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await hooks.DeliverAsync(i % 2 == 0 ? first : second, "push", Push(i))).Id);
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(6, ids.Distinct().Count());
        Assert.Equal(ids.Where((_, i) => i % 2 == 0), hooks.Attempts(first).Select(a => a.Id));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Faults_OnTheseEndpoints_AnswerFirstAndARefusedRedeliveryIsNeitherRecordedNorSent()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hooks = world.Emulator.Hooks;
        var hook = hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var failed = await hooks.DeliverAsync(hook, "push", Push(1));
        world.Emulator.Faults.FailNext(1, 503, r => r.Path.EndsWith("/attempts", StringComparison.Ordinal));
        world.Emulator.Faults.SecondaryRateLimitNext(1, TimeSpan.FromSeconds(30), 429, r => r.Path.EndsWith("/deliveries", StringComparison.Ordinal));

        var refused = await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{failed.Id}/attempts", authorization: Token);
        var afterTheFault = (hooks.Redeliveries.Count, hooks.Attempts(hook).Count);
        var limited = await world.SendAsync(HttpMethod.Get, RepositoryHook(hook), authorization: Token);
        var accepted = await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{failed.Id}/attempts", authorization: Token);
        await hooks.WaitForAttemptAsync(hook, a => a.Redelivery, Patience);

        Assert.Equal(503, refused.Status);
        Assert.Equal((0, 1), afterTheFault);
        Assert.Equal(429, limited.Status);
        Assert.Equal("30", limited.Response.Headers.GetValues("retry-after").Single());
        Assert.Equal(202, accepted.Status);
        Assert.Single(hooks.Redeliveries);
    }

    [Fact]
    public async Task Redeliver_AnUnknownDelivery_Is404AndNothingIsRecorded()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var attempt = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(1)).WaitAsync(Patience);

        var (status, body, _) = await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{attempt.Id + 1}/attempts", authorization: Token);

        Assert.Equal(404, status);
        Assert.Equal("Not Found", JsonNode.Parse(body)!["message"]!.GetValue<string>());
        Assert.Empty(world.Emulator.Hooks.Redeliveries);
    }

    [Fact]
    public async Task WaitForRedeliveries_ThatNeverCome_FailsNamingThoseThatDid()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var attempt = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(1), "the-guid");
        await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{attempt.Id}/attempts", authorization: Token);

        var failed = await Assert.ThrowsAsync<TimeoutException>(() =>
            world.Emulator.Hooks.WaitForRedeliveriesAsync(r => r.Count == 2, TimeSpan.FromMilliseconds(100)));

        Assert.Contains($"delivery {attempt.Id} (the-guid)", failed.Message, StringComparison.Ordinal);
    }
}
