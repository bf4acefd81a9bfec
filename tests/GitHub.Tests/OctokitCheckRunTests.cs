using K8sWebhookHandler.GitHub.Tests.Support;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>Octokit drives the check run endpoints with an installation token made from the App's JWT.</summary>
public sealed class OctokitCheckRunTests
{
    private const string Owner = GitHubWorld.Owner;
    private const string Repo = GitHubWorld.Repo;
    private const string Sha = GitHubWorld.Sha;

    [Fact]
    public async Task CreateThenComplete_ThroughOctokit_GivesTheRunItsConclusionAndCompletionTime()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.Client(new Credentials(await world.InstallationTokenAsync()));

        var created = await client.Check.Run.Create(Owner, Repo, new NewCheckRun("k8s-webhook-handler/build", Sha)
        {
            Status = CheckStatus.InProgress,
            DetailsUrl = "https://argo.example.com/workflows/ci/build-abc",
            ExternalId = "ci/build-abc",
            Output = new NewCheckRunOutput("running", "The workflow is running."),
        });
        world.Time.Advance(TimeSpan.FromMinutes(3));
        var updated = await client.Check.Run.Update(Owner, Repo, created.Id, new CheckRunUpdate
        {
            Conclusion = CheckConclusion.Failure,
            Output = new NewCheckRunOutput("failed", "step `test` failed"),
        });
        var fetched = await client.Check.Run.Get(Owner, Repo, created.Id);

        Assert.Equal(CheckStatus.InProgress, created.Status.Value);
        Assert.Null(created.Conclusion);
        Assert.Equal("https://argo.example.com/workflows/ci/build-abc", created.DetailsUrl);
        Assert.Equal(GitHubWorld.AppId, created.App.Id);
        Assert.Equal(CheckStatus.Completed, updated.Status.Value);
        Assert.Equal(CheckConclusion.Failure, updated.Conclusion!.Value.Value);
        Assert.Equal(world.Time.GetUtcNow(), updated.CompletedAt);
        Assert.Equal("step `test` failed", fetched.Output.Summary);
        Assert.Equal("ci/build-abc", fetched.ExternalId);
        Assert.Equal(CheckConclusion.Failure, fetched.Conclusion!.Value.Value);
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.Violations.Concat(r.ResponseViolations)));
    }

    [Fact]
    public async Task ListForRef_WithTwoRunsOfOneNameAndOneOfAnother_GivesTheLatestOfEachByDefaultAndAllOnAsk()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.Client(new Credentials(await world.InstallationTokenAsync()));
        await client.Check.Run.Create(Owner, Repo, new NewCheckRun("build", Sha) { Status = CheckStatus.Queued });
        var second = await client.Check.Run.Create(Owner, Repo, new NewCheckRun("build", Sha) { Status = CheckStatus.InProgress });
        var lint = await client.Check.Run.Create(Owner, Repo, new NewCheckRun("lint", Sha) { Conclusion = CheckConclusion.Success });
        await client.Check.Run.Create(Owner, Repo, new NewCheckRun("build", "1111111111111111111111111111111111111111"));

        var latest = await client.Check.Run.GetAllForReference(Owner, Repo, Sha);
        var all = await client.Check.Run.GetAllForReference(Owner, Repo, Sha, new CheckRunRequest { Filter = CheckRunCompletedAtFilter.All });
        var completed = await client.Check.Run.GetAllForReference(Owner, Repo, Sha, new CheckRunRequest { Status = CheckStatusFilter.Completed });

        Assert.Equal(2, latest.TotalCount);
        Assert.Equal([lint.Id, second.Id], latest.CheckRuns.Select(r => r.Id).Order().Reverse());
        Assert.Equal(3, all.TotalCount);
        Assert.Equal(lint.Id, Assert.Single(completed.CheckRuns).Id);
        Assert.Equal(CheckStatus.Completed, lint.Status.Value);
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.Violations.Concat(r.ResponseViolations)));
    }

    [Fact]
    public async Task CreateCheckRun_WithPersonalToken_IsRefusedAsGitHubRefusesTokensThatAreNotAnApps()
    {
        await using var world = await GitHubWorld.StartAsync();

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() =>
            world.TokenClient().Check.Run.Create(Owner, Repo, new NewCheckRun("build", Sha)));

        Assert.Equal("You must authenticate via a GitHub App.", refused.Message);
        Assert.Empty(world.Emulator.CheckRuns.ForSha($"{Owner}/{Repo}", Sha));
    }

    [Fact]
    public async Task UpdateCheckRun_OfAnotherApp_IsRefusedAndTheRunIsUnchanged()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.Client(new Credentials(await world.InstallationTokenAsync()));
        var run = await client.Check.Run.Create(Owner, Repo, new NewCheckRun("build", Sha) { Status = CheckStatus.InProgress });
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        world.Emulator.Catalog.RegisterApp(77, otherKey, "other-app");
        world.Emulator.Catalog.AddInstallation(77, 7077, [$"{Owner}/{Repo}"]);
        var otherApp = world.Client(new Credentials(world.Jwt(key: otherKey, issuer: 77), AuthenticationType.Bearer));
        var other = world.Client(new Credentials((await otherApp.GitHubApps.CreateInstallationToken(7077)).Token));

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() =>
            other.Check.Run.Update(Owner, Repo, run.Id, new CheckRunUpdate { Conclusion = CheckConclusion.Success }));

        Assert.Equal("Invalid app_id `77` - check run can only be modified by its creator.", refused.Message);
        Assert.Equal("in_progress", world.Emulator.CheckRuns.Get(run.Id)!.Status);
    }
}
