using System.Diagnostics.CodeAnalysis;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// Which remotes get a credential (<see cref="IFetchCredentials"/>): over HTTPS only, to the GitHub git host
/// (<see cref="IFetchCredentials.GitHost"/>: <c>github.com</c>, or the Enterprise Server's host) and
/// <see cref="GitOptions.CredentialHosts"/>; over plain HTTP only to <see cref="GitOptions.CredentialHosts"/> and only with
/// <see cref="GitOptions.AllowInsecureCredentials"/>. Never over <c>git://</c>, to a file, or to any other host: not to
/// a clone URL rewrite target that is not listed, nor to a host a server redirects to (asked again with the URL libgit2
/// names then).
/// </summary>
public sealed class CredentialPolicy
{
    private readonly IReadOnlyList<HostEntry> _httpsHosts;
    private readonly IReadOnlyList<HostEntry> _httpHosts;

    /// <param name="options">The listed hosts and whether they may have credentials over plain HTTP.</param>
    /// <param name="gitHost">The GitHub git host, <c>host</c> or <c>host:port</c>; null when there is none.</param>
    public CredentialPolicy(GitOptions options, string? gitHost)
    {
        var listed = options.CredentialHosts.Select(h => HostEntry.TryParse(h, out var entry) ? entry : null).OfType<HostEntry>().ToList();
        HostEntry? gitHub = HostEntry.TryParse(gitHost, out var parsed) ? parsed : null;
        _httpsHosts = gitHub is null ? listed : [gitHub, .. listed];
        _httpHosts = options.AllowInsecureCredentials ? listed : [];
    }

    /// <summary>Whether a credential may be sent to <paramref name="remote"/>.</summary>
    public bool MaySend(RemoteUrl remote) => remote.Scheme switch
    {
        "https" => _httpsHosts.Any(h => h.Matches(remote, 443)),
        "http" => _httpHosts.Any(h => h.Matches(remote, 80)),
        _ => false,
    };

    /// <summary>Whether <paramref name="url"/> (as libgit2 reports it when it asks, after any redirect) may get a credential.</summary>
    public bool MaySend(string? url) => RemoteUrl.TryParse(url, out var remote, out _) && MaySend(remote);

    /// <summary>
    /// A host, optionally with a port, from <see cref="GitOptions.CredentialHosts"/> (or GitHub's git host). Without a port
    /// it stands for the scheme's default port only (443, or 80 over plain HTTP): a server on another port of the same
    /// host is another server.
    /// </summary>
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

        /// <summary>The same host on the same port; an entry without a port means the scheme's default one.</summary>
        internal bool Matches(RemoteUrl remote, int defaultPort) =>
            Host == remote.Host && (Port ?? defaultPort) == (remote.Port < 0 ? defaultPort : remote.Port);
    }
}
