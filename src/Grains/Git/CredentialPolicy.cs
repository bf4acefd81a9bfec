using System.Diagnostics.CodeAnalysis;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// Which remotes get <see cref="GitOptions.GitHubToken"/>: over HTTPS only, to <see cref="GitOptions.GitHubHost"/>,
/// the hosts of HTTPS rewrite targets and <see cref="GitOptions.CredentialHosts"/>; over plain HTTP only to
/// <see cref="GitOptions.CredentialHosts"/> and only with <see cref="GitOptions.AllowInsecureCredentials"/>. Never
/// over <c>git://</c> or to a file.
/// </summary>
public sealed class CredentialPolicy
{
    private readonly IReadOnlyList<HostEntry> _httpsHosts;
    private readonly IReadOnlyList<HostEntry> _httpHosts;

    public CredentialPolicy(GitOptions options)
    {
        var listed = options.CredentialHosts.Select(h => HostEntry.TryParse(h, out var entry) ? entry : null).OfType<HostEntry>().ToList();
        var rewriteTargets = options.CloneUrlRewrites
            .Select(r => RemoteUrl.TryParse(r.To, out var url, out _) && url.Scheme == "https" ? new HostEntry(url.Host, url.Port < 0 ? null : url.Port) : null)
            .OfType<HostEntry>();
        _httpsHosts = [new HostEntry(GitOptions.GitHubHost, null), .. rewriteTargets, .. listed];
        _httpHosts = options.AllowInsecureCredentials ? listed : [];
        HasToken = options.GitHubToken is { Length: > 0 };
    }

    /// <summary>Whether there is a token to send at all.</summary>
    public bool HasToken { get; }

    /// <summary>Whether the token may be sent to <paramref name="remote"/>.</summary>
    public bool MaySend(RemoteUrl remote) => HasToken && remote.Scheme switch
    {
        "https" => _httpsHosts.Any(h => h.Matches(remote, 443)),
        "http" => _httpHosts.Any(h => h.Matches(remote, 80)),
        _ => false,
    };

    /// <summary>Whether <paramref name="url"/> (as libgit2 reports it when it asks, after any redirect) may get the token.</summary>
    public bool MaySend(string? url) => RemoteUrl.TryParse(url, out var remote, out _) && MaySend(remote);

    /// <summary>A host, optionally with a port, from <see cref="GitOptions.CredentialHosts"/>.</summary>
    public sealed record HostEntry(string Host, int? Port)
    {
        /// <summary>Parses <c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c>; nothing else.</summary>
        public static bool TryParse(string? text, [NotNullWhen(true)] out HostEntry? entry)
        {
            entry = null;
            if (string.IsNullOrEmpty(text) || text.Length > 255 || text.Any(c => c <= ' ' || c > '~' || c is '/' or '\\' or '@' or '?' or '#') ||
                !Uri.TryCreate("https://" + text + "/", UriKind.Absolute, out var uri) || uri.AbsolutePath != "/")
            {
                return false;
            }

            var hasPort = text.LastIndexOf(':') > text.LastIndexOf(']');
            entry = new HostEntry(uri.Host.ToLowerInvariant(), hasPort ? uri.Port : null);
            return true;
        }

        internal bool Matches(RemoteUrl remote, int defaultPort) =>
            Host == remote.Host && (Port is null || Port == (remote.Port < 0 ? defaultPort : remote.Port));
    }
}
