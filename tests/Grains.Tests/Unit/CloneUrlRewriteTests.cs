using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Git;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary><c>Handler:CloneUrlRewrites</c>: which rule applies to a payload URL, and that the policy then holds for the result.</summary>
public sealed class CloneUrlRewriteTests
{
    private static RemotePolicy Policy(IEnumerable<(string From, string To)> rules, params string[] allowedRemotes) => new(
        new GitOptions
        {
            CloneUrlRewrites = rules.Select(r => new UrlRewrite { From = r.From, To = r.To }).ToList(),
            AllowedRemotes = [.. allowedRemotes],
        },
        "/var/lib/handler");

    [Theory]
    [InlineData("https://github.com/acme", "https://github.com/acme/app.git", "https://mirror.example/acme/app.git")]
    [InlineData("https://github.com/acme", "https://github.com/acme", "https://mirror.example/acme")]
    [InlineData("https://github.com/acme", "https://github.com/acme-evil/app.git", "https://github.com/acme-evil/app.git")]
    [InlineData("https://github.com/acme", "https://github.com/acmeapp/x.git", "https://github.com/acmeapp/x.git")]
    [InlineData("https://github.com", "https://github.com.evil/acme/app.git", null)]
    [InlineData("https://github.com/acme/", "https://github.com/acme/app.git", "https://mirror.example/acme/app.git")]
    [InlineData("HTTPS://GITHUB.COM/acme", "https://github.com/acme/app.git", "https://github.com/acme/app.git")]
    [InlineData("https://github.com/acme", "HTTPS://GITHUB.COM/acme/app.git", "https://github.com/acme/app.git")]
    [InlineData("https://github.com/acme", "https://gitlab.com/acme/app.git", null)]
    [InlineData("", "https://github.com/acme/app.git", "https://github.com/acme/app.git")]
    public void Rule_MatchesItsFromAsTextEndingAtAPathBoundary(string from, string payloadUrl, string? fetched)
    {
        var to = from.EndsWith('/') ? "https://mirror.example/acme/" : "https://mirror.example/acme";
        var policy = Policy([(from, from.Length == 0 ? "https://mirror.example/" : to)]);

        var outcome = Fetched(policy, payloadUrl);

        Assert.Equal(fetched, outcome);
    }

    [Fact]
    public void ScpLikeFrom_EndsAtItsColon_AndTurnsAnSshUrlIntoHttps()
    {
        var policy = Policy([("git@github.com:", "https://github.com/")]);

        Assert.Equal("https://github.com/acme/app.git", policy.Resolve("git@github.com:acme/app.git", RepositoryKey.Parse("acme/app")).Value);
    }

    [Theory]
    [InlineData(false, "https://a.example/acme/app.git")]
    [InlineData(true, "https://b.example/app.git")]
    public void SeveralRules_TheFirstThatMatchesWins_NotTheLongest(bool specificFirst, string fetched)
    {
        (string, string) broad = ("https://github.com/", "https://a.example/"), specific = ("https://github.com/acme/", "https://b.example/");
        var policy = Policy(specificFirst ? [specific, broad] : [broad, specific]);

        Assert.Equal(fetched, policy.Resolve("https://github.com/acme/app.git").Value);
    }

    [Fact]
    public void RewriteTarget_OutsideConfiguredAllowedRemotes_IsRefusedNamingBothUrls()
    {
        var policy = Policy([("https://github.com/", "https://mirror.example/")], "https://github.com/");

        var error = Assert.Throws<DeliveryRefusedException>(() => policy.Resolve("https://github.com/acme/app.git"));

        Assert.Equal("the remote https://github.com/acme/app.git (rewritten to https://mirror.example/acme/app.git) is not under any of Handler:Git:AllowedRemotes", error.Message);
    }

    [Fact]
    public void RewriteTarget_ThatNamesAnotherRepository_IsRefused()
    {
        var policy = Policy([("https://github.com/victim/", "https://mirror.example/other/")]);

        var error = Assert.Throws<DeliveryRefusedException>(() => policy.Resolve("https://github.com/victim/app.git", RepositoryKey.Parse("victim/app")));

        Assert.Equal("the remote https://github.com/victim/app.git (rewritten to https://mirror.example/other/app.git) does not name the repository victim/app the event is for", error.Message);
    }

    [Fact]
    public void RewriteTargets_AreAllowedByDefault_InTheOrderOfTheRules()
    {
        var policy = Policy([("https://github.com/a/", "https://one.example/a/"), ("https://github.com/b/", "git://two.example:9418/b/")]);

        Assert.Equal(["https://github.com/", "https://one.example/a/", "git://two.example/b/"], policy.AllowedRemotes.Select(r => r.Value));
    }

    private static string? Fetched(RemotePolicy policy, string payloadUrl)
    {
        try
        {
            return policy.Resolve(payloadUrl).Value;
        }
        catch (DeliveryRefusedException)
        {
            return null;
        }
    }
}
