using K8sWebhookHandler.Grains.Git;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Which remote gets the token: HTTPS to GitHub, HTTPS rewrite targets and listed hosts; nothing else by default.</summary>
public sealed class CredentialPolicyTests
{
    private static CredentialPolicy Policy(bool insecure = false, string? token = "ghp_token", params string[] hosts) => new(new GitOptions
    {
        GitHubToken = token,
        CloneUrlRewrites =
        [
            new UrlRewrite { From = "https://github.com/mirrored/", To = "https://mirror.example.com/git/" },
            new UrlRewrite { From = "https://github.com/daemon/", To = "git://daemon.example.com/" },
        ],
        CredentialHosts = [.. hosts],
        AllowInsecureCredentials = insecure,
    });

    private static RemoteUrl Url(string text) => RemoteUrl.TryParse(text, out var url, out var problem) ? url : throw new ArgumentException(problem);

    [Theory]
    [InlineData("https://github.com/o/r.git", true)]
    [InlineData("https://GitHub.com/o/r.git", true)]
    [InlineData("https://mirror.example.com/git/o/r.git", true)]
    [InlineData("https://mirror.example.com/other/o/r.git", true)]
    [InlineData("https://ghe.example.com/o/r.git", true)]
    [InlineData("https://ghe.example.com:443/o/r.git", true)]
    [InlineData("https://pinned.example.com:8443/o/r.git", true)]
    [InlineData("https://pinned.example.com/o/r.git", false)]
    [InlineData("http://github.com/o/r.git", false)]
    [InlineData("git://github.com/o/r.git", false)]
    [InlineData("http://ghe.example.com/o/r.git", false)]
    [InlineData("git://daemon.example.com/o/r.git", false)]
    [InlineData("https://daemon.example.com/o/r.git", false)]
    [InlineData("https://github.com.evil.com/o/r.git", false)]
    [InlineData("https://evil.com/github.com/o/r.git", false)]
    [InlineData("https://api.github.com/o/r.git", false)]
    public void HttpsOnly_ToGitHubRewriteTargetsAndListedHosts(string remote, bool sent)
    {
        var policy = Policy(insecure: false, token: "ghp_token", "ghe.example.com", "pinned.example.com:8443");

        Assert.Equal(sent, policy.MaySend(Url(remote)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/o/r.git", true)]
    [InlineData("http://127.0.0.1:8081/o/r.git", false)]
    [InlineData("http://github.com/o/r.git", false)]
    [InlineData("http://mirror.example.com/git/o/r.git", false)]
    [InlineData("git://127.0.0.1:8080/o/r.git", false)]
    public void AllowInsecureCredentials_AddsPlainHttpForListedHostsOnly(string remote, bool sent)
    {
        var policy = Policy(insecure: true, token: "ghp_token", "127.0.0.1:8080");

        Assert.Equal(sent, policy.MaySend(Url(remote)));
    }

    [Fact]
    public void WithoutAToken_NothingIsSent()
    {
        var policy = Policy(insecure: false, token: null, "ghe.example.com");

        Assert.False(policy.MaySend(Url("https://github.com/o/r.git")));
        Assert.False(policy.HasToken);
    }

    [Theory]
    [InlineData("https://github.com/o/r.git", true)]
    [InlineData("https://x-access-token:ghp_other@github.com/o/r.git", false)]
    [InlineData("https://github.com@evil.com/o/r.git", false)]
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
