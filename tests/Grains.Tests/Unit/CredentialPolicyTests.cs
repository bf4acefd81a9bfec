using K8sWebhookHandler.Grains.Git;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// Which remote gets the credential: HTTPS to GitHub's git host and listed hosts; plain HTTP to listed hosts with the
/// opt-in; nothing else, however the URL is dressed up.
/// </summary>
public sealed class CredentialPolicyTests
{
    private static CredentialPolicy Policy(bool insecure = false, string? gitHost = "github.com", params string[] hosts) => new(new GitOptions
    {
        CloneUrlRewrites =
        [
            new UrlRewrite { From = "https://github.com/mirrored/", To = "https://mirror.example.com/git/" },
            new UrlRewrite { From = "https://github.com/daemon/", To = "git://daemon.example.com/" },
        ],
        CredentialHosts = [.. hosts],
        AllowInsecureCredentials = insecure,
    }, gitHost);

    private static RemoteUrl Url(string text) => RemoteUrl.TryParse(text, out var url, out var problem) ? url : throw new ArgumentException(problem);

    [Theory]
    [InlineData("https://github.com/o/r.git", true)]
    [InlineData("https://GitHub.com/o/r.git", true)]
    [InlineData("https://github.com:443/o/r.git", true)]
    [InlineData("https://ghe.example.com/o/r.git", true)]
    [InlineData("https://ghe.example.com:443/o/r.git", true)]
    [InlineData("https://pinned.example.com:8443/o/r.git", true)]
    [InlineData("https://mirror.example.com/git/o/r.git", false)]
    [InlineData("https://github.com:8443/o/r.git", false)]
    [InlineData("https://ghe.example.com:8443/o/r.git", false)]
    [InlineData("https://pinned.example.com/o/r.git", false)]
    [InlineData("http://github.com/o/r.git", false)]
    [InlineData("git://github.com/o/r.git", false)]
    [InlineData("http://ghe.example.com/o/r.git", false)]
    [InlineData("git://daemon.example.com/o/r.git", false)]
    [InlineData("https://daemon.example.com/o/r.git", false)]
    [InlineData("https://github.com.evil.com/o/r.git", false)]
    [InlineData("https://evil.com/github.com/o/r.git", false)]
    [InlineData("https://api.github.com/o/r.git", false)]
    [InlineData("https://gist.github.com/o/r.git", false)]
    public void HttpsOnly_ToGitHubsGitHostAndListedHosts_NotToRewriteTargets(string remote, bool sent)
    {
        var policy = Policy(insecure: false, gitHost: "github.com", "ghe.example.com", "pinned.example.com:8443");

        Assert.Equal(sent, policy.MaySend(Url(remote)));
    }

    [Theory]
    [InlineData("https://ghe.example.com/o/r.git", true)]
    [InlineData("https://github.com/o/r.git", false)]
    [InlineData("https://ghe.example.com.evil.com/o/r.git", false)]
    public void EnterpriseGitHost_ReplacesGitHubCom(string remote, bool sent) =>
        Assert.Equal(sent, Policy(gitHost: "ghe.example.com").MaySend(Url(remote)));

    [Theory]
    [InlineData("https://ghe.example.com:8443/o/r.git", true)]
    [InlineData("https://ghe.example.com/o/r.git", false)]
    public void EnterpriseGitHostWithAPort_GetsItOnThatPortOnly(string remote, bool sent) =>
        Assert.Equal(sent, Policy(gitHost: "ghe.example.com:8443").MaySend(Url(remote)));

    [Fact]
    public void WithoutAGitHost_OnlyListedHostsQualify()
    {
        var policy = Policy(insecure: false, gitHost: null, "ghe.example.com");

        Assert.False(policy.MaySend(Url("https://github.com/o/r.git")));
        Assert.True(policy.MaySend(Url("https://ghe.example.com/o/r.git")));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/o/r.git", true)]
    [InlineData("http://127.0.0.1:8081/o/r.git", false)]
    [InlineData("http://127.0.0.1/o/r.git", false)]
    [InlineData("http://127.0.0.2:8080/o/r.git", false)]
    [InlineData("http://github.com/o/r.git", false)]
    [InlineData("http://mirror.example.com/git/o/r.git", false)]
    [InlineData("git://127.0.0.1:8080/o/r.git", false)]
    public void AllowInsecureCredentials_AddsPlainHttpForListedHostsOnly(string remote, bool sent)
    {
        var policy = Policy(insecure: true, gitHost: "github.com", "127.0.0.1:8080");

        Assert.Equal(sent, policy.MaySend(Url(remote)));
    }

    /// <summary>What libgit2 names when it asks, after a redirect too: each URL must qualify on its own.</summary>
    [Theory]
    [InlineData("https://github.com/o/r.git", true)]
    [InlineData("https://x-access-token:ghp_other@github.com/o/r.git", false)]
    [InlineData("https://github.com@evil.com/o/r.git", false)]
    [InlineData("https://evil.com/o/r.git", false)]
    [InlineData("https://github.com:4443/o/r.git", false)]
    [InlineData("http://github.com/o/r.git", false)]
    [InlineData("https://127.0.0.1/github.com/o/r.git", false)]
    [InlineData("not a url", false)]
    [InlineData(null, false)]
    public void UrlsLibgit2Reports_AreParsedBeforeTheyQualify(string? url, bool sent) =>
        Assert.Equal(sent, Policy().MaySend(url));

    [Theory]
    [InlineData("ghe.example.com", "ghe.example.com", null)]
    [InlineData("GHE.example.com:8443", "ghe.example.com", 8443)]
    [InlineData("[::1]:8443", "[::1]", 8443)]
    [InlineData("127.0.0.1", "127.0.0.1", null)]
    public void HostEntries_ParseHostAndOptionalPort(string text, string host, int? port)
    {
        Assert.True(CredentialPolicy.HostEntry.TryParse(text, out var entry));
        Assert.Equal(new CredentialPolicy.HostEntry(host, port), entry);
    }

    [Theory]
    [InlineData("https://ghe.example.com")]
    [InlineData("ghe.example.com/path")]
    [InlineData("user@ghe.example.com")]
    [InlineData("ghe example")]
    [InlineData("")]
    public void HostEntries_RefuseAnythingButAHost(string text) =>
        Assert.False(CredentialPolicy.HostEntry.TryParse(text, out _));
}
