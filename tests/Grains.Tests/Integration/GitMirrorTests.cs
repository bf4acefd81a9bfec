using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// Tests that run libgit2 share its process-wide socket timeouts, which each <see cref="GitMirror"/> sets from its
/// options: they run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Libgit2Collection
{
    public const string Name = "libgit2";
}

public sealed class GitServerFixture : IAsyncLifetime
{
    public const string Token = "mirror-token";

    public GitServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GitServer.StartAsync(requiredHttpToken: Token);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The LibGit2Sharp mirror against a real git server, over git:// and token-authenticated HTTP.</summary>
[Collection(Libgit2Collection.Name)]
public sealed class GitMirrorTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IDisposable
{
    /// <summary>Files up to this size are read; a larger one is answered by its size alone.</summary>
    internal const long MaxBytes = 1024 * 1024;

    /// <summary>The ref the tests' commits are pushed to.</summary>
    internal static readonly GitRef Main = GitRef.Branch("main");

    private readonly TempDirectory _data = new("mirror");

    public void Dispose() => _data.Dispose();

    /// <summary>A mirror allowed to fetch from the test server's daemon and web server.</summary>
    private GitMirror Mirror(string? token = null, string? dataDirectory = null) => Mirrors.Create(
        new GitOptions
        {
            AllowedRemotes = [git.Server.GitRoot.ToString(), git.Server.HttpRoot.ToString()],
            CredentialHosts = [git.Server.HttpRoot.Authority],
            AllowInsecureCredentials = true,
        },
        dataDirectory ?? _data.Path,
        token);

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

        var atSecond = await mirror.ReadFileAsync(new(key, url), Main, second, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();
        var atFirst = await mirror.ReadFileAsync(new(key, url), Main, first, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();
        var third = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "three");
        var atThird = await mirror.ReadFileAsync(new(key, url), Main, third, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal(("two", "one", "three"), (atSecond, atFirst, atThird));
    }

    [Fact]
    public async Task ReadFile_MissingFile_IsNull()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", "README", "no manifest here");

        var file = await Mirror().ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), git.Server.GitUrl(repo.FullName).ToString()), Main, sha, ".ci/workflow.yaml", MaxBytes, CancellationToken.None);

        Assert.Null(file);
    }

    [Fact]
    public async Task ReadFile_LargerThanTheCap_AnswersItsSizeWithoutTheText()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", new string('#', 2000));
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var mirror = Mirror();

        var over = await mirror.ReadFileAsync(new(key, url), Main, sha, ".ci/workflow.yaml", 1999, CancellationToken.None);
        var at = await mirror.ReadFileAsync(new(key, url), Main, sha, ".ci/workflow.yaml", 2000, CancellationToken.None);

        Assert.Equal(new SourceFile(".ci/workflow.yaml", 2000, null), over);
        Assert.Equal(new SourceFile(".ci/workflow.yaml", 2000, new string('#', 2000)), at);
    }

    [Fact]
    public async Task ReadFile_OfACommitForcePushedAway_IsFetchedBySha()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var kept = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "kept");
        var dropped = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "dropped");
        await repo.ForcePushAsync("main", kept);

        var text = await Mirror().ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), git.Server.GitUrl(repo.FullName).ToString()), Main, dropped, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal("dropped", text);
    }

    [Fact]
    public async Task ReadFile_OverHttpWithTheToken_Works_AndWithoutItIsTransient()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "secret");
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.HttpUrl(repo.FullName).ToString();

        var text = await Mirror(GitServerFixture.Token).ReadFileAsync(new(key, url), Main, sha, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();
        using var other = new TempDirectory();
        var anonymous = Mirror(token: null, dataDirectory: other.Path);
        var error = await Assert.ThrowsAsync<TransientException>(() => anonymous.ReadFileAsync(new(key, url), Main, sha, ".ci/workflow.yaml", MaxBytes, CancellationToken.None));

        Assert.Equal("secret", text);
        Assert.StartsWith($"git fetch of {repo.FullName} from {url} failed: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveRef_AndAncestry_FollowTheServer()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var first = await repo.CommitFileAsync("main", "f", "1");
        var second = await repo.CommitFileAsync("main", "f", "2");
        var key = RepositoryKey.Parse(repo.FullName);
        var url = git.Server.GitUrl(repo.FullName).ToString();
        var mirror = Mirror();

        var head = await mirror.ResolveRefAsync(new(key, url), GitRef.Branch("main"), CancellationToken.None);
        var missing = await mirror.ResolveRefAsync(new(key, url), GitRef.Branch("nope"), CancellationToken.None);

        Assert.Equal(second, head);
        Assert.Null(missing);
        Assert.True(await mirror.IsAncestorAsync(new(key, url), Main, first, second, CancellationToken.None));
        Assert.False(await mirror.IsAncestorAsync(new(key, url), Main, second, first, CancellationToken.None));
    }

    [Fact]
    public async Task UnreachableServer_IsTransient()
    {
        var port = Loopback.FreePort();
        var options = new GitOptions { AllowedRemotes = [$"git://127.0.0.1:{port}/"] };

        var error = await Assert.ThrowsAsync<TransientException>(() => Mirrors.Create(options, _data.Path)
            .ReadFileAsync(new(RepositoryKey.Parse("owner/gone"), $"git://127.0.0.1:{port}/owner/gone.git"), Main, new string('a', 40), "f", MaxBytes, CancellationToken.None));

        Assert.StartsWith($"git fetch of owner/gone from git://127.0.0.1:{port}/owner/gone.git failed: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloneUrlRewrite_FetchesFromTheMirrorInstead()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "mirrored");
        var options = new GitOptions();
        options.CloneUrlRewrites.Add(new UrlRewrite { From = "https://github.invalid/", To = new Uri(git.Server.GitUrl(repo.FullName), "/").ToString() });
        var mirror = Mirrors.Create(options, _data.Path);

        var text = await mirror.ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), $"https://github.invalid/{repo.FullName}.git"), Main, sha, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal("mirrored", text);
    }

    [Fact]
    public async Task RevisionOnlyAnotherRemoteHas_IsNotServedFromThatRemotesMirror()
    {
        var @private = await git.Server.CreateRepositoryAsync(NewName());
        var secret = await @private.CommitFileAsync("main", ".ci/workflow.yaml", "private");
        var @public = await git.Server.CreateRepositoryAsync(NewName());
        await @public.CommitFileAsync("main", ".ci/workflow.yaml", "public");
        var key = RepositoryKey.Parse(@public.FullName);
        var mirror = Mirror();

        var own = await mirror.ReadFileAsync(new(RepositoryKey.Parse(@private.FullName), git.Server.GitUrl(@private.FullName).ToString()), Main, secret, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();
        var error = await Assert.ThrowsAsync<TransientException>(() =>
            mirror.ReadFileAsync(new(key, git.Server.GitUrl(@public.FullName).ToString()), Main, secret, ".ci/workflow.yaml", MaxBytes, CancellationToken.None));

        Assert.Equal("private", own);
        Assert.Equal($"revision {secret} is not on the git server (yet) for {key}", error.Message);
    }

    [Theory]
    [InlineData("foo://127.0.0.1/x.git", "uses the scheme 'foo'")]
    [InlineData("ext::sh -c id", "contains whitespace or a control character")]
    [InlineData("--upload-pack=id", "is not an absolute URL with a scheme")]
    [InlineData("/etc", "is not an absolute URL with a scheme")]
    [InlineData("file:///etc", "is not under any of Handler:Git:AllowedRemotes")]
    [InlineData("git@127.0.0.1:owner/x.git", "is an scp-like ssh address")]
    [InlineData("https://github.com/owner/x.git", "is not under any of Handler:Git:AllowedRemotes")]
    public async Task RemoteOutsidePolicy_IsRefusedBeforeAnythingIsFetchedOrWritten(string remote, string reason)
    {
        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() =>
            Mirror().ReadFileAsync(new(RepositoryKey.Parse("owner/x"), remote), Main, new string('a', 40), "f", MaxBytes, CancellationToken.None));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "mirrors")));
    }

    [Fact]
    public async Task FileRemote_NamedByAPrefix_IsFetched()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "local");
        var url = new Uri(repo.BarePath).AbsoluteUri;
        var options = new GitOptions { AllowedRemotes = [new Uri(git.Server.Root).AbsoluteUri] };

        var text = await Mirrors.Create(options, _data.Path)
            .ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), url), Main, sha, ".ci/workflow.yaml", MaxBytes, CancellationToken.None).TextAsync();

        Assert.Equal("local", text);
    }

    [Fact]
    public async Task MirrorOfAnotherRepository_IsNeverARemote()
    {
        var repo = await git.Server.CreateRepositoryAsync(NewName());
        var sha = await repo.CommitFileAsync("main", ".ci/workflow.yaml", "private");
        var options = new GitOptions { AllowedRemotes = [git.Server.GitRoot.ToString(), "file:///"] };
        var mirror = Mirrors.Create(options, _data.Path);
        await mirror.ReadFileAsync(new(RepositoryKey.Parse(repo.FullName), git.Server.GitUrl(repo.FullName).ToString()), Main, sha, ".ci/workflow.yaml", MaxBytes, CancellationToken.None);
        var mirrored = Directory.GetDirectories(Path.Combine(_data.Path, "mirrors"), "*.git", SearchOption.AllDirectories).Single();

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() =>
            mirror.ReadFileAsync(new(RepositoryKey.Parse("evil/x"), new Uri(mirrored).AbsoluteUri), Main, sha, ".ci/workflow.yaml", MaxBytes, CancellationToken.None));

        Assert.EndsWith("is inside Handler:DataDirectory (the handler's own mirrors are never a remote)", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The text of a file the mirror read, or null when the revision has no such file.</summary>
internal static class SourceFileText
{
    public static async Task<string?> TextAsync(this Task<SourceFile?> read) => (await read)?.Text;
}
