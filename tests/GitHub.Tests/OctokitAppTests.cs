using K8sWebhookHandler.GitHub.Tests.Support;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>Octokit drives the App endpoints with a real RS256 JWT, and reads the rate limit.</summary>
public sealed class OctokitAppTests
{
    [Fact]
    public async Task GetCurrentApp_WithTheAppsJwt_GivesTheRegisteredApp()
    {
        await using var world = await GitHubWorld.StartAsync();

        var app = await world.AppClient().GitHubApps.GetCurrent();

        Assert.Equal(GitHubWorld.AppId, app.Id);
        Assert.Equal("k8s-webhook-handler", app.Slug);
        var recorded = Assert.Single(world.Emulator.Requests.Snapshot());
        Assert.Equal($"app:{GitHubWorld.AppId}", recorded.Identity!.ToString());
        Assert.Empty(recorded.ResponseViolations);
    }

    [Fact]
    public async Task InstallationLookups_ForTheRepositoryAndById_GiveTheInstallation()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.AppClient();

        var forRepository = await client.GitHubApps.GetRepositoryInstallationForCurrent(GitHubWorld.Owner, GitHubWorld.Repo);
        var byId = await client.GitHubApps.GetInstallationForCurrent(GitHubWorld.InstallationId);
        var elsewhere = await Assert.ThrowsAsync<NotFoundException>(() => client.GitHubApps.GetRepositoryInstallationForCurrent("other-org", "private"));

        Assert.Equal(GitHubWorld.InstallationId, forRepository.Id);
        Assert.Equal(GitHubWorld.AppId, forRepository.AppId);
        Assert.Equal(GitHubWorld.Owner, forRepository.Account.Login);
        Assert.Equal(GitHubWorld.InstallationId, byId.Id);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.ResponseViolations));
    }

    [Fact]
    public async Task CreateInstallationToken_WithTheAppsJwt_GivesATokenThatWorksUntilItsConfiguredLifetimeEnds()
    {
        await using var world = await GitHubWorld.StartAsync();
        world.Emulator.Credentials.InstallationTokenLifetime = TimeSpan.FromSeconds(30);

        var token = await world.AppClient().GitHubApps.CreateInstallationToken(GitHubWorld.InstallationId);
        var client = world.Client(new Credentials(token.Token));
        var before = await client.Repository.Status.GetCombined(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha);
        world.Time.Advance(TimeSpan.FromSeconds(30));
        var after = await Assert.ThrowsAsync<AuthorizationException>(() => client.Repository.Status.GetCombined(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha));

        Assert.StartsWith("ghs_", token.Token, StringComparison.Ordinal);
        Assert.Equal(world.Time.GetUtcNow(), token.ExpiresAt);
        Assert.Equal(0, before.TotalCount);
        Assert.Equal("Bad credentials", after.Message);
        Assert.Equal($"installation:{GitHubWorld.InstallationId}", world.Emulator.Requests.Snapshot()[1].Identity!.ToString());
        Assert.Null(world.Emulator.Requests.Snapshot()[2].Identity);
    }

    [Fact]
    public async Task RateLimit_AfterTwoCountedRequests_ShowsThemUsedAndIsNotCountedItself()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.TokenClient();
        await client.Repository.Status.GetAll(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha);
        await client.Repository.Status.GetCombined(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha);

        var limits = await client.RateLimit.GetRateLimits();
        var again = await client.RateLimit.GetRateLimits();

        Assert.Equal(5000, limits.Resources.Core.Limit);
        Assert.Equal(4998, limits.Resources.Core.Remaining);
        Assert.Equal(4998, again.Rate.Remaining);
        Assert.Equal(world.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), limits.Resources.Core.ResetAsUtcEpochSeconds);
        Assert.Equal(4998, client.GetLastApiInfo().RateLimit.Remaining);
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.ResponseViolations));
    }
}
