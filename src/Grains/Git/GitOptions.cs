using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>Which of the payload's repository URLs the git mirror fetches from.</summary>
public enum CloneUrlSource
{
    /// <summary><c>repository.clone_url</c> (HTTPS on GitHub).</summary>
    CloneUrl,

    /// <summary><c>repository.git_url</c> (<c>git://</c>).</summary>
    GitUrl,

    /// <summary><c>repository.ssh_url</c>.</summary>
    SshUrl,
}

/// <summary>Replaces a URL prefix: <c>From</c> <c>https://github.com/</c>, <c>To</c> <c>https://ghe.example.com/</c>.</summary>
public sealed class UrlRewrite
{
    public string From { get; set; } = "";

    public string To { get; set; } = "";
}

/// <summary>
/// The git mirror's settings: which payload URL it fetches and how it is rewritten (<c>Handler:CloneUrl</c>,
/// <c>Handler:CloneUrlRewrites</c>), and under <c>Handler:Git</c> which remotes it may fetch from, which hosts besides
/// GitHub's may receive the credential (the GitHub token or installation token, from <c>Handler:GitHub</c>), and how long
/// and how much a fetch may take. Every URL a payload names is checked against this before libgit2 sees it. Validated by
/// <see cref="GitOptionsValidator"/>.
/// </summary>
public sealed class GitOptions
{
    /// <summary>The section the settings are read from; the <c>Handler:Git</c> ones name their key.</summary>
    public const string Section = "Handler";

    /// <summary>GitHub's git host: allowed by default.</summary>
    public const string GitHubHost = "github.com";

    /// <summary>The remote allowed when <see cref="AllowedRemotes"/> is empty, besides every rewrite target.</summary>
    public const string DefaultAllowedRemote = "https://" + GitHubHost + "/";

    /// <summary><c>Handler:CloneUrl</c>: which payload URL the git mirror fetches from. Default <see cref="CloneUrlSource.CloneUrl"/>.</summary>
    public CloneUrlSource CloneUrl { get; set; } = CloneUrlSource.CloneUrl;

    /// <summary>
    /// <c>Handler:CloneUrlRewrites</c>: rewrites of clone URL prefixes, e.g. <c>https://github.com/</c> to a mirror.
    /// <c>From</c> is compared with the payload's URL as text (case-sensitive) and must end at a path boundary; the first
    /// rule that matches wins. Applied before <see cref="AllowedRemotes"/> is checked: the policy holds for the URL
    /// actually fetched.
    /// </summary>
    public List<UrlRewrite> CloneUrlRewrites { get; set; } = [];

    /// <summary>
    /// <c>Handler:Git:AllowedRemotes</c>: URL prefixes a remote must start with, after <see cref="CloneUrlRewrites"/>,
    /// e.g. <c>https://github.com/</c> or <c>git://127.0.0.1:9418/</c>. Scheme, host and port compare case-insensitively,
    /// the path case-sensitively and by whole segments (<c>https://github.com/org</c> allows <c>…/org/x</c>, not
    /// <c>…/organisation</c>). Empty means <see cref="DefaultAllowedRemote"/> plus every rewrite's <c>To</c>.
    /// Local paths and <c>file://</c> are allowed only by a <c>file://</c> prefix that names them.
    /// </summary>
    [ConfigurationKeyName("Git:AllowedRemotes")]
    public List<string> AllowedRemotes { get; set; } = [];

    /// <summary>
    /// <c>Handler:Git:CredentialHosts</c>: hosts besides GitHub's git host (<c>github.com</c>, or the Enterprise Server's
    /// host of <c>Handler:GitHub:ApiUrl</c>) that may receive the credential, e.g. a git mirror at <c>git.example.com</c>
    /// (<c>host</c> for the default port, 443; <c>host:port</c> for another). Only over HTTPS. A clone URL rewrite target is not given it unless it is listed here.
    /// </summary>
    [ConfigurationKeyName("Git:CredentialHosts")]
    public List<string> CredentialHosts { get; set; } = [];

    /// <summary>
    /// <c>Handler:Git:AllowInsecureCredentials</c>: also send the credential over plain HTTP, to <see cref="CredentialHosts"/>
    /// only (never to GitHub, never over <c>git://</c>). For a test server on loopback; never in production.
    /// </summary>
    [ConfigurationKeyName("Git:AllowInsecureCredentials")]
    public bool AllowInsecureCredentials { get; set; }

    /// <summary>
    /// <c>Handler:Git:FetchTimeout</c>: longest one mirror operation (its fetches together) may take; libgit2 also gives
    /// up on a server that sends nothing for this long. Exceeding it is transient: the delivery is retried. Default 5 minutes.
    /// </summary>
    [ConfigurationKeyName("Git:FetchTimeout")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><c>Handler:Git:ConnectTimeout</c>: longest a connection to a git server may take to open; exceeding it is transient. Default 30 s.</summary>
    [ConfigurationKeyName("Git:ConnectTimeout")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Handler:Git:MaxFetchBytes</c>: most bytes one fetch may receive; a larger repository is refused (final, not retried). Default 1 GiB.</summary>
    [ConfigurationKeyName("Git:MaxFetchBytes")]
    public long MaxFetchBytes { get; set; } = 1024L * 1024 * 1024;
}
