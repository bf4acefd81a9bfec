using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Recovery;
using K8sWebhookHandler.Testing.Processes;
using Options = Microsoft.Extensions.Options.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>
/// <see cref="GitHubHookDeliveries"/> against the GitHub API emulator, every request checked against GitHub's own
/// description: a repository hook's deliveries paged by cursor with the token, the App's with its JWT, the payload's
/// repository read back, a redelivery asked for, and GitHub's 404 and rate limit said in the port's words.
/// </summary>
public sealed class HookDeliveriesTests : IAsyncLifetime
{
    private const string Secret = "hook-secret";
    private static readonly Uri Nowhere = new($"http://127.0.0.1:{Loopback.FreePort()}/webhook");
    private CredentialsWorld _world = null!;

    public async Task InitializeAsync() => _world = await CredentialsWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private static string Push(string repository) => new JsonObject
    {
        ["ref"] = "refs/heads/main",
        ["repository"] = new JsonObject { ["full_name"] = repository, ["id"] = 1296269 },
        ["installation"] = new JsonObject { ["id"] = CredentialsWorld.Installation },
    }.ToJsonString();

    private GitHubHookDeliveries Client(GitHubOptions options) => new(Options.Create(options), _world.Time);

    [Fact]
    public async Task ARepositoryHooksDeliveries_ArePagedByCursorNewestFirst_AndOneIsSentAgainWithItsGuid()
    {
        var repository = CredentialsWorld.Repository.Value;
        var id = _world.Emulator.Hooks.AddRepositoryHook(repository, Nowhere, Secret);
        var sent = new List<string>();
        for (var i = 0; i < 103; i++)
        {
            sent.Add((await _world.Emulator.Hooks.DeliverAsync(id, "push", Push(repository))).Guid);
        }

        using var client = Client(_world.TokenOptions());
        var hook = new WebhookHook(HookKind.Repository, id, CredentialsWorld.Repository);
        var first = await client.ListAsync(hook, null, CancellationToken.None);
        var second = await client.ListAsync(hook, first.Next, CancellationToken.None);
        var named = await client.RepositoryOfAsync(hook, first.Attempts[0].Id, CancellationToken.None);
        await client.RedeliverAsync(hook, second.Attempts[^1].Id, CancellationToken.None);

        Assert.Equal((100, 3), (first.Attempts.Count, second.Attempts.Count));
        Assert.Null(second.Next);
        Assert.Equal(Enumerable.Reverse(sent), first.Attempts.Concat(second.Attempts).Select(a => a.Guid));
        Assert.All(first.Attempts, a => Assert.Equal((0, false, "push"), (a.StatusCode, a.Succeeded, a.Event)));
        Assert.Equal(repository, named);
        Assert.Equal(sent[0], Assert.Single(_world.Emulator.Hooks.Redeliveries).Guid);
        _world.AssertNoViolations();
    }

    [Fact]
    public async Task TheAppsHook_IsListedWithItsJwt_AndRepositoryHooksAreNotWithAnApp()
    {
        var id = _world.Emulator.Hooks.AddAppHook(CredentialsWorld.AppId, Nowhere, Secret);
        var delivered = await _world.Emulator.Hooks.DeliverAsync(id, "push", Push(CredentialsWorld.Repository.Value));

        using var client = Client(_world.AppOptions());
        var page = await client.ListAsync(WebhookHook.App, null, CancellationToken.None);
        var named = await client.RepositoryOfAsync(WebhookHook.App, delivered.Id, CancellationToken.None);

        Assert.Equal(delivered.Guid, Assert.Single(page.Attempts).Guid);
        Assert.Equal(CredentialsWorld.Repository.Value, named);
        Assert.Null(client.Unavailable(HookKind.App));
        Assert.NotNull(client.Unavailable(HookKind.Repository));
        _world.AssertNoViolations();
    }

    [Fact]
    public async Task AHookGitHubDoesNotKnow_IsGone_AndARateLimit_SaysWhenToTryAgain()
    {
        using var client = Client(_world.TokenOptions());
        var unknown = new WebhookHook(HookKind.Repository, 987654, CredentialsWorld.Repository);
        var gone = await Assert.ThrowsAsync<HookGoneException>(() => client.ListAsync(unknown, null, CancellationToken.None));

        var resetAt = _world.Time.GetUtcNow().AddMinutes(30);
        _world.Emulator.Faults.ExhaustPrimaryRateLimit(resetAt);
        var limited = await Assert.ThrowsAsync<TransientException>(() => client.ListAsync(unknown, null, CancellationToken.None));

        Assert.Contains("404", gone.Message, StringComparison.Ordinal);
        Assert.Equal(resetAt.ToUnixTimeSeconds(), limited.NotBefore?.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_123", "v1_123")]
    [InlineData("/repos/o/r/hooks/1/deliveries?cursor=a%2Bb&per_page=2", "a+b")]
    [InlineData("https://api.github.com/app/hook/deliveries?per_page=100", null)]
    [InlineData("https://api.github.com/app/hook/deliveries?cursor=", null)]
    public void TheNextCursor_IsReadFromTheLink_AndNothingElseOfIt(string link, string? cursor) =>
        Assert.Equal(cursor, GitHubHookDeliveries.CursorOf(new Uri(link, UriKind.RelativeOrAbsolute)));
}
