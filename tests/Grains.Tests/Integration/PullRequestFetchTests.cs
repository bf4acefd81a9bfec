using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// Pull requests as GitHub publishes them, on the base repository: the mirror fetches <c>refs/pull/N/head</c> and
/// <c>refs/pull/N/merge</c> from the base repository's URL, never the fork's, and resolves any ref's tip.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class PullRequestFetchTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IDisposable
{
    private const string ManifestPath = ".ci/workflow.yaml";
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _data = new("mirror-pulls");

    public void Dispose() => _data.Dispose();

    private GitMirror Mirror(params Uri[] allowed) =>
        Mirrors.Create(new GitOptions { AllowedRemotes = [git.Server.GitRoot.ToString(), .. allowed.Select(a => a.ToString())] }, _data.Path);

    private static string NewName() => "owner/pulls-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(GitRepository Upstream, GitRepository Fork, RemoteRepository Remote)> ForkAsync()
    {
        var upstream = await git.Server.CreateRepositoryAsync(NewName());
        await upstream.CommitFileAsync("main", ManifestPath, "base manifest");
        var fork = await git.Server.CreateForkAsync(upstream, NewName());
        return (upstream, fork, new RemoteRepository(RepositoryKey.Parse(upstream.FullName), git.Server.GitUrl(upstream.FullName).ToString()));
    }

    [Fact]
    public async Task ForkPullRequestHead_IsFetchedFromTheBaseRepository_UnderItsPullRef()
    {
        var (upstream, fork, remote) = await ForkAsync();
        var head = await fork.CommitFileAsync("feature", ManifestPath, "fork manifest");
        await upstream.PublishPullRequestAsync(3, head, headRepository: fork);

        var text = await Mirror().ReadFileAsync(remote, GitRef.PullRequest(3), head, ManifestPath, GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal("fork manifest", text);
        using var mirrored = new Repository(MirrorPath.For(_data.Path, RemoteUrl.TryParse(remote.Url, out var url, out _) ? url : throw new InvalidOperationException()));
        Assert.Equal([("refs/pull/3/head", head)], mirrored.Refs.Select(r => (r.CanonicalName, r.TargetIdentifier)));
    }

    [Fact]
    public async Task RefTips_OfPullRefsTagsAndBranches_AreTheServersCommits_AndAMissingRefIsNull()
    {
        var (upstream, fork, remote) = await ForkAsync();
        var head = await fork.CommitFileAsync("feature", "src", "change");
        var merge = await upstream.CreateTestMergeAsync(head, fork);
        await upstream.PublishPullRequestAsync(3, head, merge, fork);
        var main = await upstream.ServerRefAsync("refs/heads/main");
        await upstream.TagAsync("v1", main!, "release");
        var mirror = Mirror();

        var tips = new List<string?>();
        foreach (var reference in new[] { GitRef.PullRequest(3), GitRef.PullRequestMerge(3), GitRef.Tag("v1"), GitRef.Branch("main"), GitRef.PullRequest(4), GitRef.None })
        {
            tips.Add(await mirror.ResolveRefAsync(remote, reference, CancellationToken.None));
        }

        Assert.Equal([head, merge, main, main, null, null], tips);
        Assert.True(await mirror.IsAncestorAsync(remote, GitRef.PullRequestMerge(3), head, merge, CancellationToken.None));
    }

    [Fact]
    public async Task NewPushToAPullRequest_IsFetchedInOneRound_OfferingThePreviousHead()
    {
        var (upstream, fork, _) = await ForkAsync();
        var first = await fork.CommitFileAsync("feature", "src", "1");
        await upstream.PublishPullRequestAsync(3, first, headRepository: fork);
        await using var recorder = new UploadPackRecorder(git.Server.GitRoot.Port);
        var remote = new RemoteRepository(RepositoryKey.Parse(upstream.FullName), new Uri(recorder.GitRoot, upstream.FullName + ".git").ToString());
        var mirror = Mirror(recorder.GitRoot);
        await mirror.ReadFileAsync(remote, GitRef.PullRequest(3), first, ManifestPath, GitMirrorTests.MaxBytes, CancellationToken.None);
        var second = await fork.CommitFileAsync("feature", "src", "2");
        await upstream.PublishPullRequestAsync(3, second, headRepository: fork);

        var text = await mirror.ReadFileAsync(remote, GitRef.PullRequest(3), second, ManifestPath, GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();
        var negotiation = (await recorder.ConnectionsAsync(SafetyNet))[^1].SkipWhile(l => !l.StartsWith("want ", StringComparison.Ordinal)).ToList();

        Assert.Equal("base manifest", text);
        Assert.Equal(["want " + second], negotiation.TakeWhile(l => l != "flush").Select(l => l[..45]));
        var afterWants = negotiation.SkipWhile(l => l != "flush").Skip(1).TakeWhile(l => l != "done").Append("done").ToList();
        Assert.Equal(["have " + first, "done"], afterWants);
    }
}
