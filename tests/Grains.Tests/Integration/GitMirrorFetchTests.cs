using System.Globalization;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// What a fetch asks for: the ref the delivery names, in one round with the server however long the mirror's history,
/// while the mirror keeps the whole history, so ancestry is answered exactly.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class GitMirrorFetchTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IDisposable
{
    /// <summary>More commits than libgit2 sends as haves before it stops to wait for the server (20).</summary>
    private const int LongHistory = 30;

    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _data = new("mirror-history");

    public void Dispose() => _data.Dispose();

    private GitMirror Mirror(params Uri[] allowed) =>
        Mirrors.Create(new GitOptions { AllowedRemotes = [git.Server.GitRoot.ToString(), .. allowed.Select(a => a.ToString())] }, _data.Path);

    private string MirrorOf(string url) =>
        RemoteUrl.TryParse(url, out var remote, out var problem) ? MirrorPath.For(_data.Path, remote) : throw new ArgumentException(problem, nameof(url));

    private async Task<(GitRepository Repo, List<string> Commits)> LongHistoryAsync()
    {
        var repo = await git.Server.CreateRepositoryAsync("owner/history-" + Guid.NewGuid().ToString("N")[..8]);
        var commits = new List<string>();
        for (var i = 0; i < LongHistory; i++)
        {
            commits.Add(await repo.CommitFileAsync("main", ".ci/workflow.yaml", i.ToString(CultureInfo.InvariantCulture)));
        }

        return (repo, commits);
    }

    [Fact]
    public async Task NewCommitOnALongHistory_IsFetchedWithFewHavesAndDoneInTheFirstRound()
    {
        var (repo, commits) = await LongHistoryAsync();
        await using var recorder = new UploadPackRecorder(git.Server.GitRoot.Port);
        var url = new Uri(recorder.GitRoot, repo.FullName + ".git").ToString();
        var mirror = Mirror(recorder.GitRoot);
        var key = RepositoryKey.Parse(repo.FullName);
        await mirror.ReadFileAsync(new(key, url), GitMirrorTests.Main, commits[^1], ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None);
        var pushed = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "pushed");

        var text = await mirror.ReadFileAsync(new(key, url), GitMirrorTests.Main, pushed, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();
        var negotiation = (await recorder.ConnectionsAsync(SafetyNet))[^1].SkipWhile(l => !l.StartsWith("want ", StringComparison.Ordinal)).ToList();

        Assert.Equal("pushed", text);
        Assert.Equal(["want " + pushed], negotiation.TakeWhile(l => l != "flush").Select(l => l[..45]));
        var afterWants = negotiation.SkipWhile(l => l != "flush").Skip(1).TakeWhile(l => l != "done").Append("done").ToList();
        Assert.Equal(["have " + commits[^1], "done"], afterWants);
    }

    [Fact]
    public async Task NewCommitOnALongHistory_AncestryIsExact_AndTheMirrorIsNeitherShallowNorGrafted()
    {
        var (repo, commits) = await LongHistoryAsync();
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var mirror = Mirror();
        await mirror.ReadFileAsync(new(key, url), GitMirrorTests.Main, commits[^1], ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None);
        var pushed = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "pushed");

        var fromFirst = await mirror.IsAncestorAsync(new(key, url), GitMirrorTests.Main, commits[0], pushed, CancellationToken.None);
        var backwards = await mirror.IsAncestorAsync(new(key, url), GitMirrorTests.Main, pushed, commits[0], CancellationToken.None);

        Assert.Equal((true, false), (fromFirst, backwards));
        var path = MirrorOf(url);
        using var plain = new Repository(path);
        Assert.Equal(LongHistory + 1, plain.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = pushed }).Count());
        Assert.False(plain.Info.IsShallow);
        Assert.False(File.Exists(Path.Combine(path, "info", "grafts")));
        Assert.Equal(pushed, plain.Refs["refs/heads/main"]?.TargetIdentifier);
    }

    [Fact]
    public async Task ManyFetchesIntoOneMirror_LeaveFewPacks_AndTheWholeHistory()
    {
        var repo = await git.Server.CreateRepositoryAsync("owner/fetches-" + Guid.NewGuid().ToString("N")[..8]);
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var mirror = Mirror();
        var commits = new List<string>();
        for (var i = 0; i < 2 * MirrorPacks.MaxPacks; i++)
        {
            commits.Add(await repo.CommitFileAsync("main", ".ci/workflow.yaml", i.ToString(CultureInfo.InvariantCulture)));
            await mirror.ReadFileAsync(new(key, url), GitMirrorTests.Main, commits[^1], ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None);
        }

        // Runs after the last fetch's packs were tidied: one operation on a mirror at a time.
        var first = await mirror.ReadFileAsync(new(key, url), GitMirrorTests.Main, commits[0], ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();
        var ancestry = await mirror.IsAncestorAsync(new(key, url), GitMirrorTests.Main, commits[0], commits[^1], CancellationToken.None);

        Assert.Equal(("0", true), (first, ancestry));
        Assert.InRange(Directory.GetFiles(Path.Combine(MirrorOf(url), "objects", "pack"), "*.idx").Length, 1, MirrorPacks.MaxPacks);
    }

    [Fact]
    public async Task ReadFile_FetchesOnlyTheRefItWasPushedTo()
    {
        var repo = await git.Server.CreateRepositoryAsync("owner/refs-" + Guid.NewGuid().ToString("N")[..8]);
        await repo.CommitFileAsync("other", "f", "other");
        var pushed = await repo.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = "main" }, "manifest", startPoint: "other");
        var url = git.Server.GitUrl(repo.FullName).ToString();

        await Mirror().ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), url), GitMirrorTests.Main, pushed, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None);

        using var plain = new Repository(MirrorOf(url));
        Assert.Equal(["refs/heads/main"], plain.Refs.Select(r => r.CanonicalName));
    }

    [Fact]
    public async Task ReadFile_AtAnAnnotatedTagPushed_FetchesTheTagAndReadsItsCommit()
    {
        var repo = await git.Server.CreateRepositoryAsync("owner/tag-" + Guid.NewGuid().ToString("N")[..8]);
        var tagged = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "tagged");
        await repo.CommitFileAsync("main", ".ci/workflow.yaml", "later");
        await repo.TagAsync("v1", tagged, "release");
        var tag = await repo.ServerRefAsync("refs/tags/v1");
        var url = git.Server.GitUrl(repo.FullName).ToString();

        var text = await Mirror().ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), url), GitRef.Tag("v1"), tag!, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();

        using var plain = new Repository(MirrorOf(url));
        Assert.Equal("tagged", text);
        Assert.Equal(["refs/tags/v1"], plain.Refs.Select(r => r.CanonicalName));
    }

    [Fact]
    public async Task ResolveRef_OfABranchDeletedOnTheServer_IsNull()
    {
        var repo = await git.Server.CreateRepositoryAsync("owner/deleted-" + Guid.NewGuid().ToString("N")[..8]);
        await repo.CommitFileAsync("main", "f", "main");
        var feature = await repo.CommitFileAsync("feature", "f", "feature");
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var mirror = Mirror();
        var before = await mirror.ResolveRefAsync(new(key, url), GitRef.Branch("feature"), CancellationToken.None);
        await repo.DeleteBranchAsync("feature");

        var after = await mirror.ResolveRefAsync(new(key, url), GitRef.Branch("feature"), CancellationToken.None);

        Assert.Equal((feature, null), (before, after));
    }

    [Fact]
    public async Task MirrorMadeByAnEarlierVersion_IsFetchedInto()
    {
        var (repo, commits) = await LongHistoryAsync();
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var path = MirrorOf(url);
        Directory.CreateDirectory(path);
        Repository.Init(path, isBare: true);
        using (var earlier = new Repository(path))
        {
            // As mirrors were made before the staging repository: origin in the mirror, every branch and tag fetched into it.
            earlier.Network.Remotes.Add("origin", url);
            Mirrors.Fetch(earlier, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*");
        }

        var pushed = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "pushed");

        var mirror = Mirror();
        var text = await mirror.ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), url), GitMirrorTests.Main, pushed, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();
        var ancestry = await mirror.IsAncestorAsync(new(RepositoryKey.Parse(repo.FullName), url), GitMirrorTests.Main, commits[0], pushed, CancellationToken.None);

        Assert.Equal(("pushed", true), (text, ancestry));
    }

    [Fact]
    public async Task LockFilesLeftByAKilledProcess_DoNotBlockTheNextProcessesFetches()
    {
        var repo = await git.Server.CreateRepositoryAsync("owner/locks-" + Guid.NewGuid().ToString("N")[..8]);
        var first = await repo.CommitFileAsync("feature", ".ci/workflow.yaml", "first");
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var key = RepositoryKey.Parse(repo.FullName);
        var feature = GitRef.Branch("feature");
        await Mirror().ReadFileAsync(new(key, url), feature, first, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None);
        var pushed = await repo.CommitFileAsync("feature", ".ci/workflow.yaml", "pushed");

        // What a SIGKILL in the middle of writing refs leaves: libgit2's lock files, in the mirror and in its staging repository.
        var path = MirrorOf(url);
        string[] locks = ["refs/heads/feature.lock", "packed-refs.lock", "staging/refs/heads/feature.lock", "staging/packed-refs.lock", "staging/config.lock"];
        foreach (var lockFile in locks)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(path, lockFile))!);
            await File.WriteAllTextAsync(Path.Combine(path, lockFile), "");
        }

        var text = await Mirror().ReadFileAsync(new(key, url), feature, pushed, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal("pushed", text);
        Assert.Equal([], locks.Where(l => File.Exists(Path.Combine(path, l))).ToArray());
    }
}
