using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// Where the mirror of a remote lives: <c>mirrors/&lt;host&gt;/&lt;path&gt;-&lt;hash&gt;.git</c> under the data directory, keyed
/// by the normalised remote URL, not by the repository's name, so that two remotes never share a mirror. The
/// readable parts are reduced to <c>[A-Za-z0-9._-]</c> and never start with a dot; the hash of the whole URL keeps
/// them apart.
/// </summary>
public static class MirrorPath
{
    private const int MaxNameLength = 80;

    /// <summary>The mirror directory of <paramref name="remote"/> under <paramref name="dataDirectory"/>.</summary>
    public static string For(string dataDirectory, RemoteUrl remote)
    {
        var root = Path.GetFullPath(Path.Combine(dataDirectory, "mirrors"));
        var host = Segment(remote.Port < 0 ? remote.Host : $"{remote.Host}_{remote.Port.ToString(CultureInfo.InvariantCulture)}", "local");
        var trimmed = remote.Path.Trim('/');
        var name = Segment(trimmed.EndsWith(".git", StringComparison.Ordinal) ? trimmed[..^4] : trimmed, "root");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(remote.Value)))[..12];
        return Path.Combine(root, host, $"{name}-{hash}.git");
    }

    private static string Segment(string text, string whenEmpty)
    {
        var safe = string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        safe = safe.Length > MaxNameLength ? safe[..MaxNameLength] : safe;
        return safe.Length == 0 ? whenEmpty : safe[0] == '.' ? "_" + safe : safe;
    }
}
