using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;
using static K8sWebhookHandler.GitHub.Tests.Support.HookCalls;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>Listing a hook's deliveries: newest first, by cursor and <c>Link</c>, per_page, the status filter, GitHub's 3-day retention.</summary>
public sealed class HookDeliveryListTests
{
    [Fact]
    public async Task List_FollowingLinkToTheEnd_GivesEveryDeliveryOnceNewestFirst()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        await DeliverPushesAsync(world, hook, 7);

        var pages = await AllPagesAsync(world, RepositoryHook(hook) + "?per_page=3", Token);

        var expected = world.Emulator.Hooks.Attempts(hook).Select(a => a.Id).Reverse();
        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        Assert.Equal(expected, Ids(pages.SelectMany(p => p)));
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.Violations.Concat(r.ResponseViolations)));
    }

    [Fact]
    public async Task List_DeliveriesMadeBetweenPages_NeitherRepeatNorShiftThePagesAlreadyStarted()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        await DeliverPushesAsync(world, hook, 4);

        var first = await PageAsync(world, RepositoryHook(hook) + "?per_page=2", Token);
        await DeliverPushesAsync(world, hook, 1, from: 4);
        var second = await PageAsync(world, first.Next!, Token);

        var older = world.Emulator.Hooks.Attempts(hook).Take(4).Select(a => a.Id).Reverse();
        Assert.Equal(older, Ids(first.Items.Concat(second.Items)));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task Link_OfARequestUnderApiV3_KeepsTheEnterprisePrefixAndTheStatusFilter()
    {
        await using var world = await GitHubWorld.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", receiver.Url, Secret);
        await DeliverPushesAsync(world, hook, 3);

        var page = await PageAsync(world, "/api/v3" + RepositoryHook(hook) + "?per_page=2&status=success", Token);
        var next = await PageAsync(world, page.Next!, Token);

        Assert.StartsWith(world.Emulator.BaseUri + "api/v3" + RepositoryHook(hook) + "?", page.Next, StringComparison.Ordinal);
        Assert.Contains("status=success", page.Next, StringComparison.Ordinal);
        Assert.Contains("cursor=", page.Next, StringComparison.Ordinal);
        Assert.Equal(world.Emulator.Hooks.Attempts(hook).Select(a => a.Id).Reverse(), Ids(page.Items.Concat(next.Items)));
    }

    [Fact]
    public async Task PerPage_DefaultsTo30AndIsCappedAt100()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        await DeliverPushesAsync(world, hook, 101);

        var byDefault = await PageAsync(world, RepositoryHook(hook), Token);
        var tooMany = await PageAsync(world, RepositoryHook(hook) + "?per_page=500", Token);
        var rest = await PageAsync(world, tooMany.Next!, Token);

        Assert.Equal(30, byDefault.Items.Count);
        Assert.Equal(100, tooMany.Items.Count);
        Assert.Contains("per_page=100", tooMany.Next, StringComparison.Ordinal);
        Assert.Single(rest.Items);
        Assert.Null(rest.Next);
    }

    [Fact]
    public async Task StatusFilter_SplitsByStatusCode_AndAnUnansweredDeliveryIsInNeitherClass()
    {
        await using var world = await GitHubWorld.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var hooks = world.Emulator.Hooks;
        var hook = hooks.AddRepositoryHook("octo-org/hello", receiver.Url, Secret);
        var ok = await hooks.DeliverAsync(hook, "push", Push(1));
        receiver.Answer = 500;
        var failed = await hooks.DeliverAsync(hook, "push", Push(2));
        hooks.UpdateHook(hook, WebhookReceiver.Down());
        var unreachable = await hooks.DeliverAsync(hook, "push", Push(3));

        var success = await PageAsync(world, RepositoryHook(hook) + "?status=success", Token);
        var failure = await PageAsync(world, RepositoryHook(hook) + "?status=failure", Token);
        var all = await PageAsync(world, RepositoryHook(hook), Token);
        var unknown = await world.SendAsync(HttpMethod.Get, RepositoryHook(hook) + "?status=pending", authorization: Token);

        Assert.Equal((202, "OK"), (ok.StatusCode, ok.Status));
        Assert.Equal((500, "Invalid HTTP Response: 500"), (failed.StatusCode, failed.Status));
        Assert.Equal((0, "failed to connect to host"), (unreachable.StatusCode, unreachable.Status));
        Assert.Equal([ok.Id], Ids(success.Items));
        Assert.Equal([failed.Id], Ids(failure.Items));
        Assert.Equal([unreachable.Id, failed.Id, ok.Id], Ids(all.Items));
        Assert.Equal(422, unknown.Status);
    }

    [Fact]
    public async Task Retention_ADeliveryOlderThanThreeDays_IsNeitherListedNorFoundNorRedelivered()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);
        var old = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(1));
        world.Time.Advance(TimeSpan.FromDays(2));
        var recent = await world.Emulator.Hooks.DeliverAsync(hook, "push", Push(2));
        var beforeAging = await PageAsync(world, RepositoryHook(hook), Token);
        world.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        var listed = await PageAsync(world, RepositoryHook(hook), Token);
        var get = await world.SendAsync(HttpMethod.Get, $"{RepositoryHook(hook)}/{old.Id}", authorization: Token);
        var redeliver = await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{old.Id}/attempts", authorization: Token);

        Assert.Equal([recent.Id, old.Id], Ids(beforeAging.Items));
        Assert.Equal([recent.Id], Ids(listed.Items));
        Assert.Equal((404, 404), (get.Status, redeliver.Status));
        Assert.Empty(world.Emulator.Hooks.Redeliveries);
        Assert.Equal(2, world.Emulator.Hooks.Attempts(hook).Count);
    }

    [Fact]
    public async Task Cursor_ThatTheEmulatorDidNotGive_Is400()
    {
        await using var world = await GitHubWorld.StartAsync();
        var hook = world.Emulator.Hooks.AddRepositoryHook("octo-org/hello", WebhookReceiver.Down(), Secret);

        var (status, body, _) = await world.SendAsync(HttpMethod.Get, RepositoryHook(hook) + "?cursor=not-a-cursor", authorization: Token);

        Assert.Equal(400, status);
        Assert.Equal("Invalid cursor", JsonNode.Parse(body)!["message"]!.GetValue<string>());
    }
}
