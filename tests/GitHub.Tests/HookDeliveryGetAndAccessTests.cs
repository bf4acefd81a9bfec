using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;
using static K8sWebhookHandler.GitHub.Tests.Support.HookCalls;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>One delivery in full, the App's hook, and who may see which hook's deliveries.</summary>
public sealed class HookDeliveryGetAndAccessTests
{
    [Fact]
    public async Task Get_ARepositoryHooksDelivery_HasTheRequestAsSentAndTheReceiversAnswer()
    {
        await using var world = await GitHubWorld.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", receiver.Url, Secret);
        var repositoryId = world.Emulator.Catalog.Repository("octo-org", "hello")!.Id;
        var attempt = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(1), "guid-of-push-1");

        var (status, body, _) = await world.SendAsync(HttpMethod.Get, $"{RepositoryHook(hook)}/{attempt.Id}", authorization: Token);

        var delivery = JsonNode.Parse(body)!;
        var headers = delivery["request"]!["headers"]!;
        var got = Assert.Single(receiver.Received);
        Assert.Equal(200, status);
        Assert.Equal((attempt.Id, "guid-of-push-1", "push", false, 202, "OK"), (delivery["id"]!.GetValue<long>(), delivery["guid"]!.GetValue<string>(),
            delivery["event"]!.GetValue<string>(), delivery["redelivery"]!.GetValue<bool>(), delivery["status_code"]!.GetValue<int>(), delivery["status"]!.GetValue<string>()));
        Assert.Equal((GitHubWorld.InstallationId, repositoryId), (delivery["installation_id"]!.GetValue<long>(), delivery["repository_id"]!.GetValue<long>()));
        Assert.Equal(receiver.Url.ToString(), delivery["url"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Push(1)), delivery["request"]!["payload"]));
        Assert.Equal("received", delivery["response"]!["payload"]!.GetValue<string>());
        Assert.Equal(Signature(Secret, Push(1)), headers["X-Hub-Signature-256"]!.GetValue<string>());
        foreach (var name in new[] { "X-GitHub-Delivery", "X-GitHub-Event", "X-GitHub-Hook-ID", "X-GitHub-Hook-Installation-Target-Type", "X-GitHub-Hook-Installation-Target-ID", "X-Hub-Signature-256" })
        {
            Assert.Equal(got.Header(name), headers[name]!.GetValue<string>());
        }

        Assert.Equal(("repository", repositoryId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (got.Header("X-GitHub-Hook-Installation-Target-Type"), got.Header("X-GitHub-Hook-Installation-Target-ID")));
        Assert.Empty(world.Emulator.Requests.Snapshot().Single().ResponseViolations);
    }

    [Fact]
    public async Task AppHook_WithTheJwt_ListsGetsAndRedeliversTheAppsDeliveries()
    {
        await using var world = await GitHubWorld.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var jwt = "Bearer " + world.Jwt();
        var beforeTheHook = await world.SendAsync(HttpMethod.Get, "/app/hook/deliveries", authorization: jwt);
        var hook = world.Emulator.Hooks.AddAppHook(GitHubWorld.AppId, WebhookReceiver.Down(), Secret);
        var failed = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(1));
        var again = world.Emulator.Hooks.AddAppHook(GitHubWorld.AppId, receiver.Url, Secret);

        var listed = await PageAsync(world, "/app/hook/deliveries", jwt);
        var get = await world.SendAsync(HttpMethod.Get, $"/app/hook/deliveries/{failed.Id}", authorization: jwt);
        var redeliver = await world.SendAsync(HttpMethod.Post, $"/app/hook/deliveries/{failed.Id}/attempts", authorization: jwt);
        await world.Emulator.Hooks.WaitForRedeliveriesAsync(r => r.Count == 1, TimeSpan.FromSeconds(60));
        var redelivered = await world.Emulator.Hooks.WaitForAttemptAsync(hook, a => a.Redelivery, TimeSpan.FromSeconds(60));

        var got = Assert.Single(receiver.Received);
        Assert.Equal(404, beforeTheHook.Status);
        Assert.Equal(hook, again);
        Assert.Equal([failed.Id], Ids(listed.Items));
        Assert.Equal((GitHubWorld.InstallationId, 1_296_269L), (listed.Items[0]!["installation_id"]!.GetValue<long>(), listed.Items[0]!["repository_id"]!.GetValue<long>()));
        Assert.Equal((200, 202), (get.Status, redeliver.Status));
        Assert.Equal(("integration", GitHubWorld.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.Guid),
            (got.Header("X-GitHub-Hook-Installation-Target-Type"), got.Header("X-GitHub-Hook-Installation-Target-ID"), got.Header("X-GitHub-Delivery")));
        Assert.Equal((failed.Guid, 202), (redelivered.Guid, redelivered.StatusCode));
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.Violations.Concat(r.ResponseViolations)));
    }

    [Fact]
    public async Task AppEndpoints_RefuseAToken_AndRepositoryEndpoints_RefuseAJwt()
    {
        await using var world = await GitHubWorld.StartAsync();
        var appHook = world.Emulator.Hooks.AddAppHook(GitHubWorld.AppId, WebhookReceiver.Down(), Secret);
        var repositoryHook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var appAttempt = await world.Emulator.Hooks.DeliverAsync(appHook, "push", Push(1));
        var attempt = await world.Emulator.Hooks.DeliverAsync(repositoryHook, "push", Push(2));
        var jwt = "Bearer " + world.Jwt();

        var answers = new[]
        {
            await world.SendAsync(HttpMethod.Get, "/app/hook/deliveries", authorization: Token),
            await world.SendAsync(HttpMethod.Post, $"/app/hook/deliveries/{appAttempt.Id}/attempts", authorization: Token),
            await world.SendAsync(HttpMethod.Get, RepositoryHook(repositoryHook), authorization: jwt),
            await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(repositoryHook)}/{attempt.Id}/attempts", authorization: jwt),
            await world.SendAsync(HttpMethod.Get, RepositoryHook(repositoryHook), authorization: null),
        };

        Assert.Equal([401, 401, 403, 403, 401], answers.Select(a => a.Status));
        Assert.Equal("A JSON web token could not be decoded", JsonNode.Parse(answers[0].Body)!["message"]!.GetValue<string>());
        Assert.Equal("Resource not accessible by integration", JsonNode.Parse(answers[2].Body)!["message"]!.GetValue<string>());
        Assert.Empty(world.Emulator.Hooks.Redeliveries);
    }

    [Fact]
    public async Task RepositoryHook_UnderAnotherRepositoryOrWithAnUnknownDelivery_Is404()
    {
        await using var world = await GitHubWorld.StartAsync();
        var elsewhere = world.Emulator.Hooks.AddRepositoryHook("other-org/private", WebhookReceiver.Down(), Secret);
        var attempt = await world.Emulator.Hooks.DeliverAsync(elsewhere, "push", Push(1));
        var own = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);

        var throughOtherRepository = await world.SendAsync(HttpMethod.Get, RepositoryHook(elsewhere), authorization: Token);
        var deliveryOfOtherHook = await world.SendAsync(HttpMethod.Get, $"{RepositoryHook(own)}/{attempt.Id}", authorization: Token);
        var unknownHook = await world.SendAsync(HttpMethod.Get, RepositoryHook(999), authorization: Token);
        var inItsOwnRepository = await world.SendAsync(HttpMethod.Get, RepositoryHook(elsewhere, "other-org/private"), authorization: Token);

        Assert.Equal([404, 404, 404, 200], new[] { throughOtherRepository, deliveryOfOtherHook, unknownHook, inItsOwnRepository }.Select(a => a.Status));
    }

    [Fact]
    public async Task InstallationToken_WithoutTheRepositoryHooksPermission_Is403_AndWithReadMayListButNotRedeliver()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var attempt = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(1));
        var withoutPermission = "token " + await world.InstallationTokenAsync();
        world.Emulator.Catalog.AddInstallation(GitHubWorld.AppId, 7002, ["octo-org/hello"], new Dictionary<string, string> { ["repository_hooks"] = "read" });
        var reader = "token " + (await world.AppClient().GitHubApps.CreateInstallationToken(7002)).Token;

        var refused = await world.SendAsync(HttpMethod.Get, RepositoryHook(hook), authorization: withoutPermission);
        var listed = await world.SendAsync(HttpMethod.Get, RepositoryHook(hook), authorization: reader);
        var redeliver = await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{attempt.Id}/attempts", authorization: reader);

        Assert.Equal((403, 200, 403), (refused.Status, listed.Status, redeliver.Status));
        Assert.Empty(world.Emulator.Hooks.Redeliveries);
    }
}
