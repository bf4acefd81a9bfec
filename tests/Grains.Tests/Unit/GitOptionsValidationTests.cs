using K8sWebhookHandler.Grains.Git;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Start-up refuses git settings that cannot work and says what to set.</summary>
public sealed class GitOptionsValidationTests
{
    private static IReadOnlyList<string> Errors(GitOptions options) =>
        new GitOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Errors(new GitOptions()));

    [Fact]
    public void LoopbackDaemonAndHttpsPrefixes_AreValid() =>
        Assert.Empty(Errors(new GitOptions { AllowedRemotes = ["git://127.0.0.1:9418/", "https://ghe.example.com/org", "file:///srv/git/"] }));

    [Fact]
    public void AllowedRemoteThatIsNotAUrlPrefix_SaysWhatToSet()
    {
        var errors = Errors(new GitOptions { AllowedRemotes = ["https://github.com/", "git@github.com:org/", "https://user:pw@ghe.example.com/"] });

        Assert.Equal(
        [
            "Handler:Git:AllowedRemotes:1 'git@github.com:org/' is an scp-like ssh address; ssh is not supported (libgit2 would start an external ssh program): use the https URL (Handler:CloneUrl=CloneUrl). Allowed remotes are URL prefixes such as https://github.com/ or git://git.example.com:9418/: set Handler:Git:AllowedRemotes:0, :1 and so on.",
            "Handler:Git:AllowedRemotes:2 'https://***@ghe.example.com/' has credentials in it (user information in a remote URL is not allowed). Allowed remotes are URL prefixes such as https://github.com/ or git://git.example.com:9418/: set Handler:Git:AllowedRemotes:0, :1 and so on.",
        ], errors);
    }

    [Fact]
    public void RewriteTargetUsedAsTheDefaultPrefix_MustBeAUrlPrefix()
    {
        var errors = Errors(new GitOptions { CloneUrlRewrites = [new UrlRewrite { From = "https://github.com/", To = "/srv/mirrors/" }] });

        Assert.StartsWith("Handler:CloneUrlRewrites:0:To '/srv/mirrors/' is not an absolute URL with a scheme", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialHostsTimeoutsAndByteCap_AreChecked()
    {
        var errors = Errors(new GitOptions
        {
            CredentialHosts = ["https://ghe.example.com/"],
            FetchTimeout = TimeSpan.FromSeconds(10),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            MaxFetchBytes = 0,
        });

        Assert.Equal(
        [
            "Handler:Git:CredentialHosts:0 'https://ghe.example.com/' must be a host name, optionally with :port, e.g. ghe.example.com.",
            "Handler:Git:FetchTimeout must be positive and at most a day (default 00:05:00), and Handler:Git:ConnectTimeout positive and no more than it (default 00:00:30).",
            "Handler:Git:MaxFetchBytes must be positive (default 1073741824, 1 GiB).",
        ], errors);
    }

    [Fact]
    public void InsecureCredentialsWithoutHosts_IsRefused() =>
        Assert.Equal(
            ["Handler:Git:AllowInsecureCredentials applies to Handler:Git:CredentialHosts only: list the hosts that may receive the token over http, or unset it."],
            Errors(new GitOptions { AllowInsecureCredentials = true }));

    [Fact]
    public void SshCloneUrlWithoutARewrite_IsRefused_AndWithARewriteToHttpsIsValid()
    {
        var alone = Errors(new GitOptions { CloneUrl = CloneUrlSource.SshUrl });
        var rewritten = Errors(new GitOptions
        {
            CloneUrl = CloneUrlSource.SshUrl,
            CloneUrlRewrites = [new UrlRewrite { From = "git@github.com:", To = "https://github.com/" }],
        });

        Assert.Equal(["Handler:CloneUrl=SshUrl needs ssh, which is not supported (libgit2 would start an external ssh program): set Handler:CloneUrl=CloneUrl (https), or add a Handler:CloneUrlRewrites entry from git@host: to an https:// URL."], alone);
        Assert.Empty(rewritten);
    }
}
