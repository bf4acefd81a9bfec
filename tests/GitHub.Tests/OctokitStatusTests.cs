using K8sWebhookHandler.GitHub.Tests.Support;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>Octokit, a client nobody here wrote, drives the commit status endpoints.</summary>
public sealed class OctokitStatusTests
{
    private const string Owner = GitHubWorld.Owner;
    private const string Repo = GitHubWorld.Repo;
    private const string Sha = GitHubWorld.Sha;

    [Fact]
    public async Task CreateStatus_WithPersonalToken_IsStoredAndAnsweredAsGitHubDoes()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.TokenClient();

        var status = await client.Repository.Status.Create(Owner, Repo, Sha, new NewCommitStatus
        {
            State = CommitState.Pending,
            TargetUrl = "https://argo.example.com/workflows/ci/build-abc",
            Description = "running",
            Context = "k8s-webhook-handler/build",
        });

        Assert.Equal(CommitState.Pending, status.State.Value);
        Assert.Equal("k8s-webhook-handler/build", status.Context);
        Assert.Equal("running", status.Description);
        Assert.Equal("https://argo.example.com/workflows/ci/build-abc", status.TargetUrl);
        Assert.Equal("octocat", status.Creator.Login);
        var recorded = Assert.Single(world.Emulator.Requests.Snapshot());
        Assert.Equal("repos/create-commit-status", recorded.OperationId);
        Assert.Equal("user:octocat", recorded.Identity!.ToString());
        Assert.Empty(recorded.Violations);
        Assert.Empty(recorded.ResponseViolations);
    }

    [Fact]
    public async Task ListAndCombined_AfterThreeStatusesInTwoContexts_GiveNewestFirstAndTheLatestPerContext()
    {
        await using var world = await GitHubWorld.StartAsync();
        var client = world.Client(new Credentials(await world.InstallationTokenAsync()));
        await client.Repository.Status.Create(Owner, Repo, Sha, new NewCommitStatus { State = CommitState.Pending, Context = "ci/a" });
        await client.Repository.Status.Create(Owner, Repo, Sha, new NewCommitStatus { State = CommitState.Success, Context = "ci/b" });
        await client.Repository.Status.Create(Owner, Repo, Sha, new NewCommitStatus { State = CommitState.Failure, Context = "CI/A", Description = "tests failed" });

        var all = await client.Repository.Status.GetAll(Owner, Repo, Sha);
        var combined = await client.Repository.Status.GetCombined(Owner, Repo, Sha);

        Assert.Equal(["CI/A:failure", "ci/b:success", "ci/a:pending"], all.Select(s => $"{s.Context}:{s.State.StringValue}"));
        Assert.Equal("k8s-webhook-handler[bot]", all[0].Creator.Login);
        Assert.Equal(CommitState.Failure, combined.State.Value);
        Assert.Equal(2, combined.TotalCount);
        Assert.Equal(["CI/A:failure", "ci/b:success"], combined.Statuses.Select(s => $"{s.Context}:{s.State.StringValue}"));
        Assert.Equal(Sha, combined.Sha);
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.ResponseViolations));
    }

    [Fact]
    public async Task CombinedStatus_WithNoStatuses_IsPendingWithNone()
    {
        await using var world = await GitHubWorld.StartAsync();

        var combined = await world.TokenClient().Repository.Status.GetCombined(Owner, Repo, Sha);

        Assert.Equal(CommitState.Pending, combined.State.Value);
        Assert.Equal(0, combined.TotalCount);
        Assert.Empty(world.Emulator.Requests.Snapshot().Single().ResponseViolations);
    }

    [Fact]
    public async Task CreateStatus_PastOneThousandForOneShaAndContext_IsRefusedWith422AsGitHubDoes()
    {
        await using var world = await GitHubWorld.StartAsync();
        var creator = new K8sWebhookHandler.GitHubApiEmulator.State.Actor("octocat", 1, "User");
        for (var i = 0; i < 999; i++)
        {
            world.Emulator.Statuses.Add($"{Owner}/{Repo}", Sha, "pending", null, null, "ci/build", creator, world.Time.GetUtcNow());
        }

        var client = world.TokenClient();
        var thousandth = await client.Repository.Status.Create(Owner, Repo, Sha, new NewCommitStatus { State = CommitState.Success, Context = "ci/build" });
        var refused = await Assert.ThrowsAsync<ApiValidationException>(() =>
            client.Repository.Status.Create(Owner, Repo, Sha, new NewCommitStatus { State = CommitState.Success, Context = "CI/Build" }));
        var otherContext = await client.Repository.Status.Create(Owner, Repo, Sha, new NewCommitStatus { State = CommitState.Success, Context = "ci/other" });

        Assert.Equal(CommitState.Success, thousandth.State.Value);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("Validation Failed", refused.ApiError.Message);
        Assert.Equal("This SHA and context has reached the maximum number of statuses.", Assert.Single(refused.ApiError.Errors).Message);
        Assert.Equal("ci/other", otherContext.Context);
        Assert.Equal(1000, world.Emulator.Statuses.For($"{Owner}/{Repo}", Sha).Count(s => s.Context.Equals("ci/build", StringComparison.OrdinalIgnoreCase)));
    }
}
