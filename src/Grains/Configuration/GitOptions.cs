namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>
/// <c>Handler:Git</c>: which remotes the git mirror may fetch from, who may receive the token, and how long and
/// how much a fetch may take. Every URL a payload names is checked against this before libgit2 sees it.
/// </summary>
public sealed class GitOptions
{
    /// <summary>The GitHub host: allowed and given the token (over HTTPS) without being listed.</summary>
    public const string GitHubHost = "github.com";

    /// <summary>The remote allowed when <see cref="AllowedRemotes"/> is empty, besides every rewrite target.</summary>
    public const string DefaultAllowedRemote = "https://" + GitHubHost + "/";

    /// <summary>
    /// URL prefixes a remote must start with, after <see cref="HandlerOptions.CloneUrlRewrites"/>, e.g.
    /// <c>https://github.com/</c> or <c>git://127.0.0.1:9418/</c>. Scheme, host and port compare case-insensitively,
    /// the path case-sensitively and by whole segments (<c>https://github.com/org</c> allows <c>…/org/x</c>, not
    /// <c>…/organisation</c>). Empty means <see cref="DefaultAllowedRemote"/> plus every rewrite's <c>To</c>.
    /// Local paths and <c>file://</c> are allowed only by a <c>file://</c> prefix that names them.
    /// </summary>
    public List<string> AllowedRemotes { get; set; } = [];

    /// <summary>
    /// Hosts besides <see cref="GitHubHost"/> and the HTTPS rewrite targets that may receive
    /// <see cref="HandlerOptions.GitHubToken"/>, e.g. <c>ghe.example.com</c> (or <c>host:port</c>). Only over HTTPS.
    /// </summary>
    public List<string> CredentialHosts { get; set; } = [];

    /// <summary>
    /// Also send the token over plain HTTP, to <see cref="CredentialHosts"/> only (never to GitHub, never over
    /// <c>git://</c>). For a test server on loopback; never in production.
    /// </summary>
    public bool AllowInsecureCredentials { get; set; }

    /// <summary>
    /// Longest one mirror operation (its fetches together) may take; libgit2 also gives up on a server that sends
    /// nothing for this long. Exceeding it is transient: the delivery is retried.
    /// </summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest a connection to a git server may take to open; exceeding it is transient.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most bytes one fetch may receive; a larger repository is refused (final, not retried).</summary>
    public long MaxFetchBytes { get; set; } = 1024L * 1024 * 1024;
}
