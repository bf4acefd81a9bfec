using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// A git remote URL (or an allowed prefix), parsed and normalised once: scheme and host lower-case, default ports
/// dropped, dot segments resolved, the path as escaped text. <see cref="Value"/> is the exact string libgit2 is
/// given, so a policy decided on it holds for what is fetched. Any string can be handed to
/// <see cref="TryParse"/>: it answers with a reason, it does not throw.
/// </summary>
public sealed partial class RemoteUrl
{
    /// <summary>Longest URL considered at all.</summary>
    public const int MaxLength = 2048;

    private const int GitDaemonPort = 9418;

    private RemoteUrl(string scheme, string host, int port, string path)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
        Path = path;
        Value = $"{scheme}://{host}{(port < 0 ? "" : ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture))}{path}";
    }

    /// <summary><c>https</c>, <c>http</c>, <c>git</c> or <c>file</c>.</summary>
    public string Scheme { get; }

    /// <summary>Lower-case host, IPv6 in brackets; empty for <c>file</c>.</summary>
    public string Host { get; }

    /// <summary>The port when it is not the scheme's default, else -1.</summary>
    public int Port { get; }

    /// <summary>The escaped path, case as given, starting with <c>/</c>.</summary>
    public string Path { get; }

    /// <summary>The normalised URL: <c>scheme://host[:port]/path</c>.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>
    /// Parses <paramref name="text"/> as a remote the native git library can be given. False, with a reason that
    /// can be shown to people, for anything else.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RemoteUrl? url, [NotNullWhen(false)] out string? problem)
    {
        url = null;
        problem = CheckText(text) ?? CheckScheme(text!);
        if (problem is not null)
        {
            return false;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            problem = "is not a valid URL";
            return false;
        }

        problem = CheckParts(uri);
        if (problem is not null)
        {
            return false;
        }

        var port = uri.IsDefaultPort || (uri.Scheme == "git" && uri.Port == GitDaemonPort) ? -1 : uri.Port;
        url = new RemoteUrl(uri.Scheme, uri.Host.ToLowerInvariant(), port, uri.AbsolutePath);
        return true;
    }

    /// <summary>
    /// Whether this URL lies under <paramref name="prefix"/>: same scheme, host and port, and the prefix's path is a
    /// whole-segment prefix of this path.
    /// </summary>
    public bool IsUnder(RemoteUrl prefix)
    {
        if (Scheme != prefix.Scheme || Host != prefix.Host || Port != prefix.Port)
        {
            return false;
        }

        return prefix.Path.EndsWith('/')
            ? Path.StartsWith(prefix.Path, StringComparison.Ordinal)
            : Path == prefix.Path || Path.StartsWith(prefix.Path + "/", StringComparison.Ordinal);
    }

    /// <summary>
    /// A short, printable form of any string for messages and logs: control and non-ASCII characters replaced,
    /// user information hidden, at most 120 characters.
    /// </summary>
    public static string Redact(string? text)
    {
        if (text is null)
        {
            return "(none)";
        }

        var shown = text.Length > 120 ? text[..120] + "…" : text;
        shown = string.Concat(shown.Select(c => c is < ' ' or > '~' and not '…' ? '?' : c));
        return UserInfo().Replace(shown, "$1***@");
    }

    private static string? CheckText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "is empty";
        }

        if (text.Length > MaxLength)
        {
            return $"is longer than {MaxLength} characters";
        }

        if (text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "contains whitespace or a control character";
        }

        if (text.Any(c => c > '~'))
        {
            return "contains non-ASCII characters (use the punycode or percent-encoded form)";
        }

        return text.Contains('\\', StringComparison.Ordinal) ? "contains a backslash" : null;
    }

    private static string? CheckScheme(string text)
    {
        if (ScpLike().IsMatch(text))
        {
            return "is an scp-like ssh address; ssh is not supported (libgit2 would start an external ssh program): use the https URL (Handler:CloneUrl=CloneUrl)";
        }

        var scheme = SchemePrefix().Match(text);
        if (!scheme.Success)
        {
            return "is not an absolute URL with a scheme (local paths are never fetched)";
        }

        return scheme.Groups[1].Value.ToLowerInvariant() switch
        {
            "https" or "http" or "git" or "file" when text.AsSpan(scheme.Length).StartsWith("//") => null,
            "https" or "http" or "git" or "file" => "is not of the form scheme://host/path",
            "ssh" or "git+ssh" or "ssh+git" => "uses ssh, which is not supported (libgit2 would start an external ssh program): use the https URL (Handler:CloneUrl=CloneUrl)",
            var other => $"uses the scheme '{other}'; only https, http and git remotes are supported",
        };
    }

    private static string? CheckParts(Uri uri)
    {
        if (uri.UserInfo.Length > 0)
        {
            return "has credentials in it (user information in a remote URL is not allowed)";
        }

        if (uri.OriginalString.IndexOfAny(['?', '#']) >= 0)
        {
            return "has a query or fragment";
        }

        if (uri.Scheme == "file" && uri.Host.Length > 0)
        {
            return "names a host (UNC paths are not supported)";
        }

        if (uri.Scheme != "file" && (uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6) || uri.Host.StartsWith('-')))
        {
            return "has no valid host";
        }

        if (EncodedSeparatorOrControl().IsMatch(uri.AbsolutePath))
        {
            return "has an encoded slash, backslash or control character in its path";
        }

        return uri.AbsolutePath.Split('/').Select(Uri.UnescapeDataString).Any(s => s is "." or "..")
            ? "has a '.' or '..' path segment"
            : null;
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*):")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex("^[^/@:]+@[^/:]+:")]
    private static partial Regex ScpLike();

    [GeneratedRegex("%(?:[01][0-9A-Fa-f]|7[Ff]|2[Ff]|5[Cc])")]
    private static partial Regex EncodedSeparatorOrControl();

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@")]
    private static partial Regex UserInfo();
}
