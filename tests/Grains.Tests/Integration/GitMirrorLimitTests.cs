using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Testing.Processes;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// Deadlines and size limits against real servers: a remote that accepts and then says nothing ends as a transient
/// timeout while a healthy one is fetched meanwhile, and a repository over the byte cap is refused.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class GitMirrorLimitTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IDisposable
{
    /// <summary>Only a safety net: a fetch that hangs fails the test here instead of hanging the run.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);
    private static readonly string Sha = new('a', 40);
    private readonly TempDirectory _data = new("mirror-limits");

    public void Dispose() => _data.Dispose();

    private GitMirror Mirror(GitOptions limits)
    {
        limits.AllowedRemotes = [git.Server.GitRoot.ToString(), .. limits.AllowedRemotes];
        return Mirrors.Create(limits, _data.Path);
    }

    private static GitOptions Short(params string[] allowed) => new()
    {
        AllowedRemotes = [.. allowed],
        FetchTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public void Mirror_SetsLibgit2SocketTimeoutsFromItsOptions()
    {
        _ = Mirror(new GitOptions { FetchTimeout = TimeSpan.FromSeconds(7), ConnectTimeout = TimeSpan.FromSeconds(3) });

        Assert.Equal((3000, 7000), LibGit2Timeouts.Read());
    }

    [Theory]
    [InlineData("git")]
    [InlineData("http")]
    public async Task StalledRemote_FailsTransientAsTimedOut_WhileAHealthyRemoteIsFetched(string scheme)
    {
        await using var stalled = SilentServer.Start();
        var root = $"{scheme}://127.0.0.1:{stalled.Port}/";
        var mirror = Mirror(Short(root));
        var healthy = await git.Server.CreateRepositoryAsync("owner/healthy-" + Guid.NewGuid().ToString("N")[..8]);
        var sha = await healthy.CommitFileAsync("main", ".ci/workflow.yaml", "healthy");

        var stalledFetch = mirror.ReadFileAsync(new(RepositoryKey.Parse("owner/stalled"), root + "owner/stalled.git"), GitMirrorTests.Main, Sha, "f", GitMirrorTests.MaxBytes, CancellationToken.None);
        var healthyFetch = mirror.ReadFileAsync(new(RepositoryKey.Parse(healthy.FullName), git.Server.GitUrl(healthy.FullName).ToString()), GitMirrorTests.Main, sha, ".ci/workflow.yaml", GitMirrorTests.MaxBytes, CancellationToken.None);
        var error = await Assert.ThrowsAsync<TransientException>(() => stalledFetch.WaitAsync(SafetyNet));
        var text = await healthyFetch.TextAsync().WaitAsync(SafetyNet);

        Assert.Equal($"git fetch of owner/stalled from {root}owner/stalled.git timed out after 00:00:05 (Handler:Git:FetchTimeout)", error.Message);
        Assert.Equal("healthy", text);
        Assert.True(stalled.Connected.IsCompleted);
    }

    [Theory]
    [InlineData("git")]
    [InlineData("http")]
    public async Task StalledRemote_IsEndedByLibgit2sOwnSocketTimeout_WhichFreesTheMirror(string scheme)
    {
        await using var stalled = SilentServer.Start();
        var root = $"{scheme}://127.0.0.1:{stalled.Port}/";
        var mirror = Mirror(Short(root));

        var first = await Assert.ThrowsAsync<TransientException>(() =>
            mirror.ReadFileAsync(new(RepositoryKey.Parse("owner/stalled"), root + "owner/stalled.git"), GitMirrorTests.Main, Sha, "f", GitMirrorTests.MaxBytes, CancellationToken.None).WaitAsync(SafetyNet));
        var second = await Assert.ThrowsAsync<TransientException>(() =>
            mirror.ReadFileAsync(new(RepositoryKey.Parse("owner/stalled"), root + "owner/stalled.git"), GitMirrorTests.Main, Sha, "f", GitMirrorTests.MaxBytes, CancellationToken.None).WaitAsync(SafetyNet));

        // Ended by libgit2 itself (the caller's own deadline has no inner exception), so the mirror's lock was free.
        Assert.Contains("timed out", Assert.IsAssignableFrom<LibGit2SharpException>(first.InnerException).Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public async Task WaitForABusyMirror_EndsWithTheCallersCancellation()
    {
        await using var stalled = SilentServer.Start();
        var remote = $"git://127.0.0.1:{stalled.Port}/owner/stalled.git";
        var limits = Short($"git://127.0.0.1:{stalled.Port}/");
        limits.FetchTimeout = TimeSpan.FromMinutes(10);
        var mirror = Mirror(limits);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        var holding = mirror.ReadFileAsync(new(RepositoryKey.Parse("owner/stalled"), remote), GitMirrorTests.Main, Sha, "f", GitMirrorTests.MaxBytes, first.Token);
        await stalled.Connected.WaitAsync(SafetyNet);
        var waiting = mirror.ReadFileAsync(new(RepositoryKey.Parse("owner/stalled"), remote), GitMirrorTests.Main, Sha, "f", GitMirrorTests.MaxBytes, second.Token);
        await second.CancelAsync();
        var waitEnded = await Record.ExceptionAsync(() => waiting.WaitAsync(SafetyNet));
        await first.CancelAsync();
        var holdEnded = await Record.ExceptionAsync(() => holding.WaitAsync(SafetyNet));

        Assert.IsAssignableFrom<OperationCanceledException>(waitEnded);
        Assert.IsAssignableFrom<OperationCanceledException>(holdEnded);
    }

    [Fact]
    public async Task RepositoryOverTheByteCap_IsRefusedAsTooBig()
    {
        var big = await git.Server.CreateRepositoryAsync("owner/big-" + Guid.NewGuid().ToString("N")[..8]);
        var content = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(256 * 1024));
        var sha = await big.CommitFileAsync("main", "blob.txt", content);
        var mirror = Mirror(new GitOptions { MaxFetchBytes = 64 * 1024 });

        var error = await Assert.ThrowsAsync<DeliveryRefusedException>(() =>
            mirror.ReadFileAsync(new(RepositoryKey.Parse(big.FullName), git.Server.GitUrl(big.FullName).ToString()), GitMirrorTests.Main, sha, "blob.txt", GitMirrorTests.MaxBytes, CancellationToken.None).WaitAsync(SafetyNet));

        Assert.Equal(
            $"the fetch from {git.Server.GitUrl(big.FullName)} received more than 65536 bytes: the repository is too big for policy (Handler:Git:MaxFetchBytes)",
            error.Message);
    }
}
