namespace K8sWebhookHandler.Abstractions.Identity;

/// <summary>
/// Branch and tag names as the handler accepts them: git's <c>check-ref-format</c> rules, narrowed to printable
/// ASCII and to <see cref="MaxBytes"/> bytes after <c>refs/heads/</c> or <c>refs/tags/</c>.
/// </summary>
public static class GitRefName
{
    /// <summary>Longest short name (after the prefix); git allows more, but no file system or label needs it.</summary>
    public const int MaxBytes = 255;

    /// <summary>
    /// Whether a branch or tag name (without its prefix) is valid: 1 to 255 printable ASCII characters, no space
    /// or any of <c>~^:?*[\</c>, no <c>..</c>, <c>@{</c> or <c>//</c>, no component that starts with <c>.</c> or
    /// ends with <c>.lock</c>, not starting or ending with <c>/</c>, not ending with <c>.</c>, and not <c>@</c>.
    /// </summary>
    public static bool IsValidShortName(string name)
    {
        if (name.Length is 0 or > MaxBytes || name == "@" || name.EndsWith('.') || name.StartsWith('/') || name.EndsWith('/'))
        {
            return false;
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal) || name.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            // Printable ASCII only: this also keeps out control characters, DEL and everything beyond ASCII.
            if (c is <= ' ' or >= '\x7f' or '~' or '^' or ':' or '?' or '*' or '[' or '\\')
            {
                return false;
            }
        }

        foreach (var component in name.Split('/'))
        {
            if (component.StartsWith('.') || component.EndsWith(".lock", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
