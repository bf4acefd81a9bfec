using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Identity;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration;

public sealed class GitServerFixture : IAsyncLifetime
{
    public const string Token = "mirror-token";

    public GitServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GitServer.StartAsync(requiredHttpToken: Token);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The LibGit2Sharp mirror against a real git server, over git:// and token-authenticated HTTP.</summary>
public sealed class GitMirrorTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IDisposable
{
    private readonly TempDirectory _data = new("mirror");

    public void Dispose() => _data.Dispose();

    private GitMirror Mirror(string? token = null) =>
        new(Options.Create(new HandlerOptions { DataDirectory = _data.Path, GitHubToken = token }), NullLogger<GitMirror>.Instance);

    private static string NewName() => "owner/mirror-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task ReadFile_AtEachRevision_ReturnsThatRevisionsContent()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var first = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "one");
        var second = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "two");
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var mirror = Mirror();

        var atSecond = await mirror.ReadFileAsync(key, url, second, ".ci/workflow.yaml", CancellationToken.None);
        var atFirst = await mirror.ReadFileAsync(key, url, first, ".ci/workflow.yaml", CancellationToken.None);
        var third = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "three");
        var atThird = await mirror.ReadFileAsync(key, url, third, ".ci/workflow.yaml", CancellationToken.None);

        Assert.Equal(("two", "one", "three"), (atSecond, atFirst, atThird));
    }

    [Fact]
    public async Task ReadFile_MissingFile_IsNull()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", "README", "no manifest here");

        var text = await Mirror().ReadFileAsync(RepositoryKey.Parse(repo.FullName), git.Server.GitUrl(repo.FullName).ToString(), sha, ".ci/workflow.yaml", CancellationToken.None);

        Assert.Null(text);
    }

    [Fact]
    public async Task ReadFile_OfACommitForcePushedAway_IsFetchedBySha()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var kept = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "kept");
        var dropped = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "dropped");
        await repo.ForcePushAsync("main", kept);

        var text = await Mirror().ReadFileAsync(RepositoryKey.Parse(repo.FullName), git.Server.GitUrl(repo.FullName).ToString(), dropped, ".ci/workflow.yaml", CancellationToken.None);

        Assert.Equal("dropped", text);
    }

    [Fact]
    public async Task ReadFile_OverHttpWithTheToken_Works_AndWithoutItIsTransient()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "secret");
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.HttpUrl(repo.FullName).ToString();

        var text = await Mirror(GitServerFixture.Token).ReadFileAsync(key, url, sha, ".ci/workflow.yaml", CancellationToken.None);
        using var other = new TempDirectory();
        var anonymous = new GitMirror(Options.Create(new HandlerOptions { DataDirectory = other.Path }), NullLogger<GitMirror>.Instance);
        var error = await Assert.ThrowsAsync<TransientException>(() => anonymous.ReadFileAsync(key, url, sha, ".ci/workflow.yaml", CancellationToken.None));

        Assert.Equal("secret", text);
        Assert.Contains("git fetch", error.Message);
    }

    [Fact]
    public async Task ResolveBranch_AndAncestry_FollowTheServer()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var first = await repo.CommitFileAsync("main", "f", "1");
        var second = await repo.CommitFileAsync("main", "f", "2");
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var mirror = Mirror();

        var head = await mirror.ResolveBranchAsync(key, url, "main", CancellationToken.None);
        var missing = await mirror.ResolveBranchAsync(key, url, "nope", CancellationToken.None);

        Assert.Equal(second, head);
        Assert.Null(missing);
        Assert.True(await mirror.IsAncestorAsync(key, url, first, second, CancellationToken.None));
        Assert.False(await mirror.IsAncestorAsync(key, url, second, first, CancellationToken.None));
    }

    [Fact]
    public async Task UnreachableServer_IsTransient()
    {
        var port = Loopback.FreePort();

        var error = await Assert.ThrowsAsync<TransientException>(() =>
            Mirror().ReadFileAsync(RepositoryKey.Parse("owner/gone"), $"git://127.0.0.1:{port}/owner/gone.git", new string('a', 40), "f", CancellationToken.None));

        Assert.Contains("git fetch of owner/gone failed", error.Message);
    }

    [Fact]
    public async Task CloneUrlRewrite_FetchesFromTheMirrorInstead()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "mirrored");
        var options = new HandlerOptions { DataDirectory = _data.Path };
        options.CloneUrlRewrites.Add(new UrlRewrite { From = "https://github.invalid/", To = new Uri(git.Server.GitUrl(repo.FullName), "/").ToString() });
        var mirror = new GitMirror(Options.Create(options), NullLogger<GitMirror>.Instance);

        var text = await mirror.ReadFileAsync(RepositoryKey.Parse(repo.FullName), $"https://github.invalid/{repo.FullName}.git", sha, ".ci/workflow.yaml", CancellationToken.None);

        Assert.Equal("mirrored", text);
    }
}
