using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// Turns the remote a payload names into the URL the mirror fetches, or refuses it: the clone URL rewrites are
/// applied first, then the result must be a URL libgit2 may be given (<see cref="RemoteUrl"/>) and lie under one
/// of <see cref="GitOptions.AllowedRemotes"/>. Nothing a payload says reaches libgit2 without passing here.
/// </summary>
public sealed class RemotePolicy
{
    private readonly IReadOnlyList<UrlRewrite> _rewrites;
    private readonly string _dataDirectory;

    /// <param name="options">The rewrites and the allowed remotes.</param>
    /// <param name="dataDirectory">The handler's data directory, which no remote may name.</param>
    public RemotePolicy(GitOptions options, string dataDirectory)
    {
        _rewrites = options.CloneUrlRewrites;
        _dataDirectory = Path.GetFullPath(dataDirectory);
        AllowedRemotes = AllowedRemoteSettings(options)
            .Select(s => RemoteUrl.TryParse(s.Value, out var url, out _) ? url : null)
            .OfType<RemoteUrl>()
            .ToList();
    }

    /// <summary>The prefixes in force: the configured ones, or the default and every rewrite target.</summary>
    public IReadOnlyList<RemoteUrl> AllowedRemotes { get; }

    /// <summary>
    /// The allowed prefixes with the setting each comes from, as configured (not yet parsed): for the policy and
    /// for start-up validation.
    /// </summary>
    public static IEnumerable<(string Setting, string? Value)> AllowedRemoteSettings(GitOptions options)
    {
        if (options.AllowedRemotes.Count > 0)
        {
            return options.AllowedRemotes.Select((prefix, i) => ($"Handler:Git:AllowedRemotes:{i}", (string?)prefix));
        }

        return options.CloneUrlRewrites
            .Select((rewrite, i) => ($"Handler:CloneUrlRewrites:{i}:To", (string?)rewrite.To))
            .Prepend(("the default of Handler:Git:AllowedRemotes", GitOptions.DefaultAllowedRemote));
    }

    /// <summary>
    /// The rewritten, normalised remote for <paramref name="payloadUrl"/>, which must name
    /// <paramref name="repository"/> itself (its path ends in <c>/owner/name</c> or <c>/owner/name.git</c>): a payload
    /// for one repository may not have another repository's manifest applied under its name.
    /// </summary>
    /// <exception cref="DeliveryRefusedException">The remote may not be fetched; the message says why.</exception>
    public RemoteUrl Resolve(string? payloadUrl, RepositoryKey repository)
    {
        var remote = Resolve(payloadUrl);
        var path = remote.Path.TrimEnd('/');
        path = path.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path;

        // owner/name must follow the allowed prefix directly (or begin inside it, for a prefix that names the owner):
        // on a host with nested groups, .../attacker/victim/app is another repository than victim/app.
        var suffix = "/" + repository.Value;
        var before = path.Length - suffix.Length;
        if (!path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ||
            !AllowedRemotes.Any(prefix => remote.IsUnder(prefix) && before <= prefix.Path.TrimEnd('/').Length))
        {
            throw Refused(payloadUrl, remote.Value, $"does not name the repository {repository} the event is for");
        }

        return remote;
    }

    /// <summary>The rewritten, normalised remote for <paramref name="payloadUrl"/>.</summary>
    /// <exception cref="DeliveryRefusedException">The remote may not be fetched; the message says why.</exception>
    public RemoteUrl Resolve(string? payloadUrl)
    {
        var rewritten = Rewrite(payloadUrl);
        if (!RemoteUrl.TryParse(rewritten, out var remote, out var problem))
        {
            throw Refused(payloadUrl, rewritten, problem);
        }

        if (!AllowedRemotes.Any(remote.IsUnder))
        {
            throw Refused(payloadUrl, rewritten, "is not under any of Handler:Git:AllowedRemotes");
        }

        if (remote.Scheme == "file" && IsInside(Uri.UnescapeDataString(remote.Path), _dataDirectory))
        {
            throw Refused(payloadUrl, rewritten, "is inside Handler:DataDirectory (the handler's own mirrors are never a remote)");
        }

        return remote;
    }

    private string? Rewrite(string? url)
    {
        if (url is null || url.Length > RemoteUrl.MaxLength)
        {
            return url;
        }

        foreach (var rewrite in _rewrites)
        {
            if (rewrite.From.Length > 0 && url.StartsWith(rewrite.From, StringComparison.Ordinal) && EndsAtBoundary(rewrite.From, url))
            {
                return rewrite.To + url[rewrite.From.Length..];
            }
        }

        return url;
    }

    /// <summary>
    /// Whether <paramref name="from"/>, a prefix of <paramref name="url"/>, ends at a path boundary, as allowed remotes
    /// do: it ends in <c>/</c> (or the <c>:</c> of <c>git@host:</c>), or the URL ends there or goes on with <c>/</c>. So
    /// <c>https://github.com/acme</c> rewrites <c>acme/app</c> but not <c>acme-evil/app</c>.
    /// </summary>
    private static bool EndsAtBoundary(string from, string url) =>
        from[^1] is '/' or ':' || url.Length == from.Length || url[from.Length] == '/';

    private static DeliveryRefusedException Refused(string? payloadUrl, string? rewritten, string problem)
    {
        var named = payloadUrl == rewritten
            ? RemoteUrl.Redact(payloadUrl)
            : $"{RemoteUrl.Redact(payloadUrl)} (rewritten to {RemoteUrl.Redact(rewritten)})";
        return new DeliveryRefusedException($"the remote {named} {problem}");
    }

    private static bool IsInside(string path, string directory)
    {
        var full = Path.GetFullPath(path);
        var root = Path.TrimEndingDirectorySeparator(directory);
        return full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
