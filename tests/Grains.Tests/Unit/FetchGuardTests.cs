using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Git;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What a failed fetch is called: libgit2's words decide only while the fetch's own deadline has not passed.</summary>
public sealed class FetchGuardTests
{
    private static readonly RepositoryKey Repository = RepositoryKey.Parse("owner/stalled");

    private static FetchGuard Guard(TimeSpan fetchTimeout)
    {
        Assert.True(RemoteUrl.TryParse("http://127.0.0.1:9/owner/stalled.git", out var remote, out _));
        return new FetchGuard(remote, new GitOptions { FetchTimeout = fetchTimeout, ConnectTimeout = TimeSpan.FromSeconds(2) }, CancellationToken.None);
    }

    [Fact]
    public void ConnectionTimedOutPastTheFetchDeadline_IsTheFetchTimingOut()
    {
        // A deadline of one tick has passed by the time the failure is read: a server that accepted the connection and
        // then sent nothing ends with libgit2's socket timeout, whose text (ETIMEDOUT's) mentions the connection.
        var guard = Guard(TimeSpan.FromTicks(1));

        var failure = guard.Failed(Repository, new LibGit2SharpException("failed to receive response: Connection timed out"));

        Assert.Equal("git fetch of owner/stalled from http://127.0.0.1:9/owner/stalled.git timed out after 00:00:00.0000001 (Handler:Git:FetchTimeout)",
            Assert.IsType<TransientException>(failure).Message);
    }

    [Theory]
    [InlineData("error receiving data from socket: Interrupted system call", 1, true)]
    [InlineData("error receiving data from socket: Interrupted system call", 0, false)]
    [InlineData("error receiving data from socket: Connection reset by peer", 1, false)]
    public void FetchCutShortByASignal_IsMadeAgain_OnlyWithinTheDeadline(string error, int days, bool again)
    {
        var guard = Guard(days > 0 ? TimeSpan.FromDays(days) : TimeSpan.FromTicks(1));

        Assert.Equal(again, guard.Interrupted(new LibGit2SharpException(error)));
    }

    [Fact]
    public void ConnectTimeoutWithinTheFetchDeadline_IsTheConnectTimingOut()
    {
        var guard = Guard(TimeSpan.FromDays(1));

        var failure = guard.Failed(Repository, new LibGit2SharpException("failed to connect to 127.0.0.1: Connection timed out"));

        Assert.Equal("git fetch of owner/stalled from http://127.0.0.1:9/owner/stalled.git timed out connecting after 00:00:02 (Handler:Git:ConnectTimeout)",
            Assert.IsType<TransientException>(failure).Message);
    }

    [Fact]
    public void OtherFailureWithinTheFetchDeadline_SaysWhatLibgit2Said()
    {
        var guard = Guard(TimeSpan.FromDays(1));

        var failure = guard.Failed(Repository, new LibGit2SharpException("unexpected http status code: 502"));

        Assert.Equal("git fetch of owner/stalled from http://127.0.0.1:9/owner/stalled.git failed: unexpected http status code: 502",
            Assert.IsType<TransientException>(failure).Message);
    }
}
