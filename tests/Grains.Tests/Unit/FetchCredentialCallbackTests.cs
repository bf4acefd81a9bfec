using K8sWebhookHandler.Grains.Git;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// What libgit2 is handed when it asks for credentials: the credential once per fetch, and only for a URL that
/// qualifies on its own (libgit2 asks with the URL it is at, after a redirect too); asked again, the server refused it.
/// </summary>
public sealed class FetchCredentialCallbackTests
{
    private const string Remote = "https://github.com/octo-org/hello.git";
    private static readonly FetchCredential Credential = new("ghs_installation", "the token of installation 7 for octo-org/hello");
    private static readonly CredentialPolicy Policy = new(new GitOptions(), "github.com");

    private static (FetchGuard Guard, FetchOptions Options) Fetch(string remote = Remote)
    {
        Assert.True(RemoteUrl.TryParse(remote, out var url, out _));
        var guard = new FetchGuard(url, new GitOptions(), CancellationToken.None);
        return (guard, guard.Options(Policy, Credential));
    }

    private static UsernamePasswordCredentials? Ask(FetchOptions options, string url) =>
        (UsernamePasswordCredentials?)options.CredentialsProvider(url, null, SupportedCredentialTypes.UsernamePassword);

    [Fact]
    public void FirstAsk_GetsTheCredentialAsXAccessToken()
    {
        var (guard, options) = Fetch();

        var given = Ask(options, Remote);

        Assert.Equal(("x-access-token", "ghs_installation"), (given!.Username, given.Password));
        Assert.False(guard.CredentialRefused);
    }

    [Fact]
    public void SecondAskInOneFetch_MeansTheServerRefusedIt_AndGetsNothing()
    {
        var (guard, options) = Fetch();
        guard.BeginFetch();

        var first = Ask(options, Remote);
        var second = Ask(options, Remote);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.True(guard.CredentialRefused);
    }

    [Fact]
    public void NextFetch_AsksAfresh()
    {
        var (guard, options) = Fetch();
        guard.BeginFetch();
        var first = Ask(options, Remote);
        guard.BeginFetch();

        var next = Ask(options, Remote);

        Assert.NotNull(first);
        Assert.NotNull(next);
        Assert.False(guard.CredentialRefused);
    }

    [Theory]
    [InlineData("https://evil.example.com/octo-org/hello.git")]
    [InlineData("https://github.com:8443/octo-org/hello.git")]
    [InlineData("http://github.com/octo-org/hello.git")]
    [InlineData("https://user@github.com/octo-org/hello.git")]
    [InlineData("https://github.com.evil.example.com/octo-org/hello.git")]
    public void AskingFromARedirectTargetThatDoesNotQualify_GetsNothing_AndCountsNoRefusal(string redirectedTo)
    {
        var (guard, options) = Fetch();

        var given = Ask(options, redirectedTo);

        Assert.Null(given);
        Assert.False(guard.CredentialRefused);
    }

    [Theory]
    [InlineData("git://github.com/octo-org/hello.git")]
    [InlineData("https://gitlab.example.com/octo-org/hello.git")]
    public void RemoteThatDoesNotQualify_HasNoCredentialCallbackAtAll(string remote)
    {
        var (_, options) = Fetch(remote);

        Assert.Null(options.CredentialsProvider);
    }
}
