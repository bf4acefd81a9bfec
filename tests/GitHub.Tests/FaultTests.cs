using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>Faults a test switches on and off: 5xx, the primary and the secondary rate limit, and stalls the test releases.</summary>
public sealed class FaultTests
{
    private const string Owner = GitHubWorld.Owner;
    private const string Repo = GitHubWorld.Repo;
    private const string Sha = GitHubWorld.Sha;

    private static NewCommitStatus Pending => new() { State = CommitState.Pending, Context = "ci/build" };

    [Fact]
    public async Task FailNext_Two503s_AnswerThoseAndThenServeNormally()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.TokenClient();
        world.Emulator.Faults.FailNext(2, 503);

        var first = await Assert.ThrowsAsync<ApiException>(() => client.Repository.Status.Create(Owner, Repo, Sha, Pending));
        var second = await Assert.ThrowsAsync<ApiException>(() => client.Repository.Status.Create(Owner, Repo, Sha, Pending));
        await client.Repository.Status.Create(Owner, Repo, Sha, Pending);

        Assert.Equal([503, 503], new[] { (int)first.StatusCode, (int)second.StatusCode });
        Assert.Equal([503, 503, 201], world.Emulator.Requests.Snapshot().Select(r => r.StatusCode));
        Assert.Single(world.Emulator.Statuses.For($"{Owner}/{Repo}", Sha));
    }

    [Fact]
    public async Task FailNext_WithAPredicate_FailsOnlyTheRequestsItMatches()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.TokenClient();
        world.Emulator.Faults.FailNext(1, 502, r => r.Method == "POST");

        var combined = await client.Repository.Status.GetCombined(Owner, Repo, Sha);
        var failed = await Assert.ThrowsAsync<ApiException>(() => client.Repository.Status.Create(Owner, Repo, Sha, Pending));

        Assert.Equal(0, combined.TotalCount);
        Assert.Equal(502, (int)failed.StatusCode);
    }

    [Fact]
    public async Task PrimaryRateLimit_Exhausted_Answers403WithRemainingZeroUntilTheResetTime()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.TokenClient();
        var reset = world.Time.GetUtcNow().AddMinutes(10);
        world.Emulator.Faults.ExhaustPrimaryRateLimit(reset);

        var limited = await Assert.ThrowsAsync<RateLimitExceededException>(() => client.Repository.Status.Create(Owner, Repo, Sha, Pending));
        var limits = await client.RateLimit.GetRateLimits();
        world.Time.Advance(TimeSpan.FromMinutes(10));
        var afterReset = await client.Repository.Status.Create(Owner, Repo, Sha, Pending);

        Assert.Equal(403, (int)limited.StatusCode);
        Assert.Equal(0, limited.Remaining);
        Assert.Equal(reset.ToUnixTimeSeconds(), limited.Reset.ToUnixTimeSeconds());
        Assert.Equal(0, limits.Resources.Core.Remaining);
        Assert.Equal(CommitState.Pending, afterReset.State.Value);
        Assert.Single(world.Emulator.Statuses.For($"{Owner}/{Repo}", Sha));
    }

    [Fact]
    public async Task PrimaryRateLimit_OfAnAnonymousCaller_IsSpentAfterSixtyRequests()
    {
        await using var world = await GitHubWorld.StartAsync();
        for (var i = 0; i < 60; i++)
        {
            await world.SendAsync(HttpMethod.Get, $"/repos/{Owner}/{Repo}/commits/{Sha}/status", authorization: null);
        }

        var (status, text, response) = await world.SendAsync(HttpMethod.Get, $"/repos/{Owner}/{Repo}/commits/{Sha}/status", authorization: null);

        Assert.Equal(403, status);
        Assert.Equal("API rate limit exceeded for anonymous.", JsonNode.Parse(text)!["message"]!.GetValue<string>());
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Equal("60", response.Headers.GetValues("x-ratelimit-used").Single());
    }

    [Fact]
    public async Task SecondaryRateLimit_As403_IsOctokitsSecondaryRateLimitWithRetryAfter()
    {
        await using var world = await GitHubWorld.StartAsync();
        world.Emulator.Faults.SecondaryRateLimitNext(1, TimeSpan.FromSeconds(30));

        var limited = await Assert.ThrowsAsync<SecondaryRateLimitExceededException>(() =>
            world.TokenClient().Repository.Status.Create(Owner, Repo, Sha, Pending));

        Assert.Equal(403, (int)limited.StatusCode);
        Assert.Equal("30", limited.HttpResponse.Headers.Single(h => h.Key.Equals("retry-after", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Empty(world.Emulator.Statuses.For($"{Owner}/{Repo}", Sha));
    }

    [Fact]
    public async Task SecondaryRateLimit_As429_CarriesRetryAfterAndGitHubsMessage()
    {
        await using var world = await GitHubWorld.StartAsync();
        world.Emulator.Faults.SecondaryRateLimitNext(1, TimeSpan.FromSeconds(61), 429);

        var (status, text, response) = await world.SendAsync(HttpMethod.Post, $"/repos/{Owner}/{Repo}/statuses/{Sha}", """{"state":"pending"}""");

        Assert.Equal(429, status);
        Assert.Equal("61", response.Headers.GetValues("retry-after").Single());
        Assert.StartsWith("You have exceeded a secondary rate limit.", JsonNode.Parse(text)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoldNext_KeepsTheRequestUnansweredUntilTheTestReleasesIt()
    {
        await using var world = await GitHubWorld.StartAsync();
        var release = new TaskCompletionSource();
        world.Emulator.Faults.HoldNext(1, release.Task);

        var create = world.TokenClient().Repository.Status.Create(Owner, Repo, Sha, Pending);
        await world.Emulator.Requests.WaitUntilAsync(all => all.Count == 1);
        var held = world.Emulator.Requests.Snapshot().Single();
        var answeredWhileHeld = held.Completed.IsCompleted || create.IsCompleted;
        release.SetResult();
        var status = await create;

        Assert.False(answeredWhileHeld);
        Assert.Equal(CommitState.Pending, status.State.Value);
        Assert.Equal(201, held.StatusCode);
    }

    [Theory]
    [InlineData(null, 200, "2022-11-28")]
    [InlineData("2022-11-28", 200, "2022-11-28")]
    [InlineData("2020-01-01", 400, null)]
    public async Task ApiVersionHeader_IsHonouredAndAnUnknownOneIs400(string? version, int expected, string? selected)
    {
        await using var world = await GitHubWorld.StartAsync();
        var headers = version is null ? null : new Dictionary<string, string> { ["X-GitHub-Api-Version"] = version };

        var (status, text, response) = await world.SendAsync(HttpMethod.Get, "/rate_limit", headers: headers);

        Assert.Equal(expected, status);
        if (selected is not null)
        {
            Assert.Equal(selected, response.Headers.GetValues("x-github-api-version-selected").Single());
        }
        else
        {
            Assert.Equal($"API version '{version}' is not supported.", JsonNode.Parse(text)!["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task EveryAnswer_SuccessOrError_CarriesTheRateLimitHeadersAndARequestId()
    {
        await using var world = await GitHubWorld.StartAsync();
        world.Emulator.Faults.FailNext(1, 500);
        string[] names = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset", "x-ratelimit-resource", "x-github-request-id"];

        var answers = new[]
        {
            await world.SendAsync(HttpMethod.Get, "/rate_limit"),
            await world.SendAsync(HttpMethod.Get, "/rate_limit"),
            await world.SendAsync(HttpMethod.Get, "/nowhere"),
            await world.SendAsync(HttpMethod.Get, "/app", authorization: "token nope"),
        };

        Assert.Equal([500, 200, 404, 401], answers.Select(a => a.Status));
        Assert.All(answers, a => Assert.All(names, name => Assert.True(a.Response.Headers.Contains(name), name)));
        Assert.Equal("core", answers[1].Response.Headers.GetValues("x-ratelimit-resource").Single());
    }
}
