using K8sWebhookHandler.Grains.Git;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Mirrors are keyed by the remote URL and stay inside the data directory whatever the URL says.</summary>
public sealed class MirrorPathTests
{
    private const string Data = "/var/lib/handler";

    private static string PathOf(string url) =>
        MirrorPath.For(Data, RemoteUrl.TryParse(url, out var remote, out var problem) ? remote : throw new ArgumentException(problem));

    [Fact]
    public void GitHubRemote_IsHostThenSanitisedPathThenHash()
    {
        var path = PathOf("https://github.com/owner/name.git");

        Assert.Matches(@"^/var/lib/handler/mirrors/github\.com/owner_name-[0-9a-f]{12}\.git$", path);
    }

    [Fact]
    public void SameRepositoryNameOnTwoRemotes_HasTwoMirrors()
    {
        var paths = new[]
        {
            PathOf("https://github.com/owner/name.git"),
            PathOf("https://github.com/owner/name"),
            PathOf("git://127.0.0.1:9418/owner/name.git"),
            PathOf("git://127.0.0.1:9419/owner/name.git"),
            PathOf("https://github.com/Owner/name.git"),
        };

        Assert.Equal(paths.Length, paths.Distinct().Count());
        Assert.Equal(PathOf("HTTPS://GITHUB.COM:443/owner/name.git"), paths[0]);
        Assert.Equal(PathOf("git://127.0.0.1/owner/name.git"), paths[2]);
    }

    [Theory]
    [InlineData("https://github.com/..%2e/x")]
    [InlineData("https://github.com/.git")]
    [InlineData("https://github.com/")]
    [InlineData("git://[::1]:9418/a/b.git")]
    [InlineData("file:///../../etc/passwd")]
    [InlineData("https://github.com/-/.../..../x.git")]
    public void AnyRemote_StaysTwoLevelsUnderMirrors_WithNoDotSegments(string url)
    {
        var path = PathOf(url);

        var relative = Path.GetRelativePath(Data + "/mirrors", path).Split('/');
        Assert.Equal(2, relative.Length);
        Assert.All(relative, part => Assert.False(part.StartsWith('.') || part.Length == 0, part));
        Assert.Equal(path, Path.GetFullPath(path));
    }
}
