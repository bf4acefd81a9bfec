using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Foundation.Tests.Git;

public sealed class GitServerFixture : IAsyncLifetime
{
    public const string Token = "s3cret-token";

    public GitServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GitServer.StartAsync(requiredHttpToken: Token);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The git fixture serves real repositories over git:// and smart HTTP, as a git client sees them.</summary>
public sealed class GitServerTests(GitServerFixture git) : IClassFixture<GitServerFixture>
{
    private static string NewName() => "owner/repo-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<string> GitAsync(string dir, params string[] args) =>
        (await ProcessRunner.RunCheckedAsync("git", args, dir, environment: new Dictionary<string, string> { ["GIT_TERMINAL_PROMPT"] = "0" })).Trim();

    [Fact]
    public async Task CommitAndPush_IsServedOverGitDaemon()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "kind: Workflow\n");
        using var clone = new TempDirectory();

        await GitAsync(clone.Path, "clone", "-q", git.Server.GitUrl(repo.FullName).ToString(), "c");

        Assert.Equal(sha, await GitAsync(clone.Combine("c"), "rev-parse", "HEAD"));
        Assert.Equal("kind: Workflow\n", await File.ReadAllTextAsync(clone.Combine("c", ".ci", "workflow.yaml")));
    }

    [Fact]
    public async Task SmartHttp_WithTheToken_ServesTheRepository()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", "README", "hello");
        using var clone = new TempDirectory();
        var url = new UriBuilder(git.Server.HttpUrl(repo.FullName)) { UserName = "x-access-token", Password = GitServerFixture.Token }.Uri;

        await GitAsync(clone.Path, "clone", "-q", url.ToString(), "c");

        Assert.Equal(sha, await GitAsync(clone.Combine("c"), "rev-parse", "HEAD"));
    }

    [Fact]
    public async Task SmartHttp_WithAWrongToken_IsRefused()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        await repo.CommitFileAsync("main", "README", "hello");
        using var clone = new TempDirectory();
        var url = new UriBuilder(git.Server.HttpUrl(repo.FullName)) { UserName = "x-access-token", Password = "wrong" }.Uri;

        var result = await ProcessRunner.RunAsync("git", ["clone", "-q", url.ToString(), "c"], clone.Path,
            environment: new Dictionary<string, string> { ["GIT_TERMINAL_PROMPT"] = "0" });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Authentication failed", result.StandardError + result.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FetchBySha_OfACommitThatIsNoLongerATip_Works()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var old = await repo.CommitFileAsync("main", "f", "1");
        await repo.CommitFileAsync("main", "f", "2");
        await repo.ForcePushAsync("main", old);
        var orphaned = await repo.CommitFileAsync("side", "g", "x");
        await repo.DeleteBranchAsync("side");
        using var clone = new TempDirectory();
        await GitAsync(clone.Path, "init", "-q", "c");

        await GitAsync(clone.Combine("c"), "fetch", "-q", git.Server.GitUrl(repo.FullName).ToString(), orphaned);

        Assert.Equal(orphaned, await GitAsync(clone.Combine("c"), "rev-parse", "FETCH_HEAD"));
    }

    [Fact]
    public async Task ForcePushDeleteAndTag_ChangeWhatTheServerHas()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var first = await repo.CommitFileAsync("main", "f", "1");
        var second = await repo.CommitFileAsync("main", "f", "2");
        var feature = await repo.CommitAsync("feature", new Dictionary<string, string?> { ["f"] = null, ["g"] = "new" }, "feature work", startPoint: first);
        var before = (Main: await repo.ServerRefAsync("refs/heads/main"), Feature: await repo.ServerRefAsync("refs/heads/feature"), Tag: await repo.ServerRefAsync("refs/tags/v1.0.0"));

        await repo.ForcePushAsync("main", first);
        await repo.TagAsync("v1.0.0", second, "release");
        await repo.DeleteBranchAsync("feature");

        Assert.Equal((second, feature, (string?)null), before);
        Assert.Equal(first, await repo.ServerRefAsync("refs/heads/main"));
        Assert.Equal(second, await repo.ServerRefAsync("refs/tags/v1.0.0^{commit}"));
        Assert.Null(await repo.ServerRefAsync("refs/heads/feature"));
    }

    [Fact]
    public async Task ForkPullRequest_IsPublishedOnTheBaseRepository_AsGitHubDoes()
    {
        var upstream = await git.Server.CreateRepositoryAsync(NewName());
        var baseSha = await upstream.CommitFileAsync("main", "f", "base");
        var fork = await git.Server.CreateForkAsync(upstream, NewName());
        var head = await fork.CommitFileAsync("feature", "g", "from the fork");
        var merge = await upstream.CreateTestMergeAsync(head, fork);

        await upstream.PublishPullRequestAsync(7, head, merge, fork);
        using var clone = new TempDirectory();
        await GitAsync(clone.Path, "init", "-q", "c");
        await GitAsync(clone.Combine("c"), "fetch", "-q", git.Server.GitUrl(upstream.FullName).ToString(), "refs/pull/7/head", "refs/pull/7/merge");

        Assert.Equal(baseSha, await fork.ServerRefAsync("refs/heads/main"));
        Assert.Null(await upstream.ServerRefAsync("refs/heads/feature"));
        Assert.Equal(head, await upstream.ServerRefAsync("refs/pull/7/head"));
        Assert.Equal(merge, await upstream.ServerRefAsync("refs/pull/7/merge"));
        Assert.Equal($"{baseSha} {head}", await GitAsync(upstream.BarePath, "show", "-s", "--format=%P", merge));
        Assert.Equal(head, await GitAsync(clone.Combine("c"), "rev-parse", "FETCH_HEAD"));
    }

    [Fact]
    public async Task PullRequestPush_MovesTheHeadRefByForce_AndDropsAStaleMergeRef()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        await repo.CommitFileAsync("main", "f", "base");
        var first = await repo.CommitFileAsync("topic", "g", "1");
        await repo.PublishPullRequestAsync(3, first, await repo.CreateTestMergeAsync(first));
        var rewritten = await repo.CommitAsync("other", new Dictionary<string, string?> { ["g"] = "2" }, "rewritten", startPoint: "main");

        await repo.PublishPullRequestAsync(3, rewritten);

        Assert.Equal(rewritten, await repo.ServerRefAsync("refs/pull/3/head"));
        Assert.Null(await repo.ServerRefAsync("refs/pull/3/merge"));
    }
}
