using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Git;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Every string a payload can name is either a normalised allowed remote or a refusal with a reason.</summary>
public sealed class RemotePolicyTests
{
    private static readonly RemotePolicy Default = new(new GitOptions(), "/var/lib/handler");

    private static RemotePolicy Allowing(params string[] prefixes) =>
        new(new GitOptions { AllowedRemotes = [.. prefixes] }, "/var/lib/handler");

    /// <summary>(payload URL, the URL fetched, or null when refused, and then a part of the reason).</summary>
    public static TheoryData<string?, string?, string> Corpus() => new()
    {
        { "https://github.com/owner/repo.git", "https://github.com/owner/repo.git", "" },
        { "HTTPS://GITHUB.COM/a/b.git", "https://github.com/a/b.git", "" },
        { "https://github.com:443/a/b.git", "https://github.com/a/b.git", "" },
        { "https://github.com/a/../../etc", "https://github.com/etc", "" },
        { "https://github.com/a/%2e%2e/b", "https://github.com/b", "" },
        { "foo://host/x.git", null, "uses the scheme 'foo'; only https, http and git remotes are supported" },
        { "ext::sh -c touch% /tmp/pwned", null, "contains whitespace or a control character" },
        { "ext::sh", null, "uses the scheme 'ext'" },
        { "-uhelp", null, "is not an absolute URL with a scheme (local paths are never fetched)" },
        { "--upload-pack=touch /tmp/x", null, "contains whitespace or a control character" },
        { "--upload-pack=evil", null, "is not an absolute URL with a scheme" },
        { @"\\server\share", null, "contains a backslash" },
        { "/etc", null, "is not an absolute URL with a scheme" },
        { "../", null, "is not an absolute URL with a scheme" },
        { "../../etc/passwd", null, "is not an absolute URL with a scheme" },
        { "file:///", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "file:///etc/passwd", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "file://server/share/x.git", null, "names a host (UNC paths are not supported)" },
        { "https://exämple.com/x.git", null, "contains non-ASCII characters" },
        { "https://github.com/\u202Eowner/repo", null, "contains non-ASCII characters" },
        { "https://github.com/owner/re\0po.git", null, "contains whitespace or a control character" },
        { "https://github.com/owner/repo.git\n", null, "contains whitespace or a control character" },
        { "https://github.com/" + new string('a', 10 * 1024), null, "is longer than 2048 characters" },
        { "http://[::1", null, "is not a valid URL" },
        { "https://127.0.0.1:99999/x", null, "is not a valid URL" },
        { "https:github.com/a", null, "is not of the form scheme://host/path" },
        { "https://-oProxyCommand/x", null, "has no valid host" },
        { "https://user:pass@github.com/x", null, "has credentials in it" },
        { "https://x-access-token@github.com/x", null, "has credentials in it" },
        { "https://github.com@evil.com/", null, "has credentials in it" },
        { "https://github.com.evil.com/x.git", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "https://github.com.evil/x.git", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "https://github.com./x.git", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "http://github.com/a/b.git", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "git://github.com/a/b.git", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "https://github.com:8443/a/b.git", null, "is not under any of Handler:Git:AllowedRemotes" },
        { "ssh://git@github.com/a/b.git", null, "uses ssh, which is not supported (libgit2 would start an external ssh program)" },
        { "git@github.com:a/b.git", null, "is an scp-like ssh address; ssh is not supported (libgit2 would start an external ssh program)" },
        { "https://github.com/a/b.git?x=1", null, "has a query or fragment" },
        { "https://github.com/a/b.git#main", null, "has a query or fragment" },
        { "https://github.com/a%2F..%2Fb", null, "has an encoded slash, backslash or control character" },
        { "https://github.com/a%00b", null, "has an encoded slash, backslash or control character" },
        { "mailto:a@github.com", null, "uses the scheme 'mailto'" },
        { "javascript:alert(1)", null, "uses the scheme 'javascript'" },
        { "", null, "is empty" },
        { null, null, "is empty" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void NastyStrings_WithTheDefaultPolicy_AreAllowedNormalisedOrRefusedWithAReason(string? payloadUrl, string? fetched, string reason)
    {
        var outcome = Outcome(Default, payloadUrl);

        Assert.Equal(fetched, Allowed(outcome));
        Assert.Contains(reason, outcome, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://github.com/org/x.git", "https://github.com/org/x.git")]
    [InlineData("https://github.com/org", "https://github.com/org")]
    [InlineData("https://github.com/organisation-x/y.git", null)]
    [InlineData("https://github.com/ORG/x.git", null)]
    [InlineData("https://github.com/org/../organisation/x.git", null)]
    [InlineData("git://127.0.0.1/a/b.git", "git://127.0.0.1/a/b.git")]
    [InlineData("git://127.0.0.1:9418/a/b.git", "git://127.0.0.1/a/b.git")]
    [InlineData("GIT://127.0.0.1:9418/a/b.git", "git://127.0.0.1/a/b.git")]
    [InlineData("git://127.0.0.1:9419/a/b.git", null)]
    [InlineData("file:///srv/git/a.git", "file:///srv/git/a.git")]
    [InlineData("file:///srv/gitx/a.git", null)]
    [InlineData("file:///srv/git/../../etc", null)]
    [InlineData("/srv/git/a.git", null)]
    public void Prefixes_MatchByNormalisedSchemeHostPortAndWholePathSegments(string payloadUrl, string? fetched)
    {
        var policy = Allowing("https://github.com/org", "GIT://127.0.0.1:9418/", "file:///srv/git/");

        var outcome = Outcome(policy, payloadUrl);

        Assert.Equal(fetched, Allowed(outcome));
    }

    [Fact]
    public void Rewrites_ComeFirst_AndTheirTargetsAreAllowedByDefault()
    {
        var options = new GitOptions { CloneUrlRewrites = [new UrlRewrite { From = "https://github.com/", To = "git://127.0.0.1:9418/" }] };

        var policy = new RemotePolicy(options, ".data");

        Assert.Equal(["https://github.com/", "git://127.0.0.1/"], policy.AllowedRemotes.Select(r => r.Value));
        Assert.Equal("git://127.0.0.1/o/r.git", policy.Resolve("https://github.com/o/r.git").Value);
    }

    [Fact]
    public void RewriteToAnUnsupportedScheme_IsRefusedNamingBothUrls()
    {
        var options = new GitOptions
        {
            AllowedRemotes = ["https://github.com/"],
            CloneUrlRewrites = [new UrlRewrite { From = "https://github.com/", To = "foo://mirror/" }],
        };

        var error = Assert.Throws<DeliveryRefusedException>(() => new RemotePolicy(options, ".data").Resolve("https://github.com/o/r.git"));

        Assert.Equal("the remote https://github.com/o/r.git (rewritten to foo://mirror/o/r.git) uses the scheme 'foo'; only https, http and git remotes are supported", error.Message);
    }

    [Theory]
    [InlineData("https://github.com/Victim/App.git", null)]
    [InlineData("https://github.com/victim/app", null)]
    [InlineData("https://github.com/victim/app/", null)]
    [InlineData("https://github.com/attacker/app.git", "does not name the repository victim/app the event is for")]
    [InlineData("https://github.com/victim/app-evil.git", "does not name the repository victim/app the event is for")]
    [InlineData("https://github.com/xvictim/app.git", "does not name the repository victim/app the event is for")]
    [InlineData("https://github.com/attacker/victim/app.git", "does not name the repository victim/app the event is for")]
    public void RemoteOfAnEvent_MustNameTheEventsRepository(string url, string? problem)
    {
        var victim = Abstractions.Identity.RepositoryKey.Parse("victim/app");

        if (problem is null)
        {
            Assert.Equal(url.TrimEnd('/'), Default.Resolve(url, victim).Value.TrimEnd('/'), ignoreCase: true);
        }
        else
        {
            Assert.EndsWith(problem, Assert.Throws<DeliveryRefusedException>(() => Default.Resolve(url, victim)).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://mirror.example/github/", "https://mirror.example/github/victim/app.git", true)]
    [InlineData("https://mirror.example/github/", "https://mirror.example/github/group/victim/app.git", false)]
    [InlineData("https://github.com/victim", "https://github.com/victim/app.git", true)]
    public void RepositoryPath_FollowsTheAllowedPrefix(string prefix, string url, bool allowed)
    {
        var policy = Allowing(prefix);
        var victim = Abstractions.Identity.RepositoryKey.Parse("victim/app");

        if (allowed)
        {
            Assert.Equal(url, policy.Resolve(url, victim).Value);
        }
        else
        {
            var error = Assert.Throws<DeliveryRefusedException>(() => policy.Resolve(url, victim));
            Assert.StartsWith($"the remote {url} ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FileRemoteInsideTheDataDirectory_IsRefusedEvenWhenAPrefixAllowsIt()
    {
        var error = Assert.Throws<DeliveryRefusedException>(() => Allowing("file:///").Resolve("file:///var/lib/handler/mirrors/github.com/other-0123456789ab.git"));

        Assert.EndsWith("is inside Handler:DataDirectory (the handler's own mirrors are never a remote)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusalMessages_HideCredentialsAndControlCharacters()
    {
        var withToken = Assert.Throws<DeliveryRefusedException>(() => Default.Resolve("https://x-access-token:ghp_secret@github.com/o/r.git"));
        var withNul = Assert.Throws<DeliveryRefusedException>(() => Default.Resolve("https://github.com/\0\u001b[31m"));

        Assert.Equal("the remote https://***@github.com/o/r.git has credentials in it (user information in a remote URL is not allowed)", withToken.Message);
        Assert.Equal("the remote https://github.com/??[31m contains whitespace or a control character", withNul.Message);
    }

    [Fact]
    public void RandomStrings_AreNeverAnythingButAnAllowedRemoteOrARefusal()
    {
        var random = new Random(8);
        const string alphabet = "abcAZ09:/\\@.%-_?#[]!~ \t\0\u00e4\u202Ehttpsgitfile";
        var policy = Allowing("https://github.com/", "git://127.0.0.1:9418/", "file:///srv/");
        var outcomes = new Dictionary<string, int> { ["allowed"] = 0, ["refused"] = 0 };

        for (var i = 0; i < 20_000; i++)
        {
            var prefix = (i % 4) switch { 0 => "https://github.com/", 1 => "git://127.0.0.1/", 2 => "file:///srv/", _ => "" };
            var text = prefix + new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var outcome = Outcome(policy, text);
            outcomes[Allowed(outcome) is null ? "refused" : "allowed"]++;
            Assert.True(Allowed(outcome) is null || RemoteUrl.TryParse(outcome, out _, out _), outcome);
        }

        Assert.Equal(20_000, outcomes["allowed"] + outcomes["refused"]);
        Assert.All(outcomes.Values, count => Assert.InRange(count, 1, 20_000));
    }

    private static string? Allowed(string outcome) => outcome.StartsWith("refused: the remote ", StringComparison.Ordinal) ? null : outcome;

    /// <summary>The URL fetched, or <c>refused: reason</c>; any other exception fails the test.</summary>
    private static string Outcome(RemotePolicy policy, string? payloadUrl)
    {
        try
        {
            return policy.Resolve(payloadUrl).Value;
        }
        catch (DeliveryRefusedException e)
        {
            Assert.DoesNotContain(e.Message, c => char.IsControl(c));
            return "refused: " + e.Message;
        }
    }
}
