using System.Globalization;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Testing.Processes;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>A mirror that many fetches left with many packs gets a few again, and keeps every object.</summary>
[Collection(Libgit2Collection.Name)]
public sealed class MirrorPacksTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IDisposable
{
    private const int Fetches = 12;
    private readonly TempDirectory _mirror = new("mirror-packs");

    public void Dispose() => _mirror.Dispose();

    private string PackDirectory => Path.Combine(_mirror.Path, "objects", "pack");

    [Fact]
    public async Task ManySmallPacks_AreWrittenAsOne_AndEveryCommitAndFileIsStillRead()
    {
        var repo = await git.Server.CreateRepositoryAsync("owner/packs-" + Guid.NewGuid().ToString("N")[..8]);
        var commits = new List<string> { await repo.CommitFileAsync("main", ".ci/workflow.yaml", "0") };
        Repository.Init(_mirror.Path, isBare: true);
        using (var created = new Repository(_mirror.Path))
        {
            created.Network.Remotes.Add("origin", git.Server.GitUrl(repo.FullName).ToString());
        }

        Fetch();
        for (var i = 1; i <= Fetches; i++)
        {
            commits.Add(await repo.CommitFileAsync("main", ".ci/workflow.yaml", i.ToString(CultureInfo.InvariantCulture)));
            Fetch();
        }

        var packsBefore = Directory.GetFiles(PackDirectory, "*.idx").Length;
        var consolidated = MirrorPacks.Consolidate(_mirror.Path);
        var again = MirrorPacks.Consolidate(_mirror.Path);

        Assert.Equal((Fetches + 1, true, false), (packsBefore, consolidated, again));
        Assert.InRange(Directory.GetFiles(PackDirectory, "*.idx").Length, 1, MirrorPacks.MaxPacks);
        Assert.Equal(Directory.GetFiles(PackDirectory, "*.idx").Length, Directory.GetFiles(PackDirectory, "*.pack").Length);
        using var mirror = new Repository(_mirror.Path);
        var history = mirror.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = commits[^1], SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse }).Select(c => c.Sha);
        Assert.Equal(commits, history);
        Assert.Equal(commits.Select((_, i) => i.ToString(CultureInfo.InvariantCulture)), commits.Select(c => ((Blob)mirror.Lookup<Commit>(c)[".ci/workflow.yaml"].Target).GetContentText()));
    }

    [Fact]
    public void FewPacks_AreLeftAsTheyAre()
    {
        Repository.Init(_mirror.Path, isBare: true);

        Assert.False(MirrorPacks.Consolidate(_mirror.Path));
    }

    private void Fetch()
    {
        using var mirror = new Repository(_mirror.Path);
        Mirrors.Fetch(mirror, "+refs/heads/main:refs/heads/main");
    }
}
