using System.Text;
using System.Text.RegularExpressions;

namespace K8sWebhookHandler.GitHubApiEmulator.Description;

/// <summary>
/// One path of the description, such as <c>/repos/{owner}/{repo}/commits/{ref}/status</c>, as a matcher. A parameter
/// marked <c>x-multi-segment</c> (a ref such as <c>heads/main</c>) may span slashes; every other one is one segment.
/// </summary>
public sealed partial class PathTemplate
{
    private readonly Regex _pattern;
    private readonly string[] _names;

    private PathTemplate(string text, Regex pattern, string[] names, int literalLength)
    {
        Text = text;
        _pattern = pattern;
        _names = names;
        LiteralLength = literalLength;
    }

    public string Text { get; }

    /// <summary>Characters outside parameters: where two templates match one path, the more literal one wins.</summary>
    public int LiteralLength { get; }

    public static PathTemplate Parse(string text, IReadOnlySet<string> multiSegment)
    {
        var pattern = new StringBuilder("^");
        var names = new List<string>();
        var position = 0;
        foreach (Match parameter in Parameter().Matches(text))
        {
            pattern.Append(Regex.Escape(text[position..parameter.Index]));
            var name = parameter.Groups[1].Value;
            pattern.Append(multiSegment.Contains(name) ? "(.+?)" : "([^/]+)");
            names.Add(name);
            position = parameter.Index + parameter.Length;
        }

        pattern.Append(Regex.Escape(text[position..])).Append('$');
        var literal = Parameter().Replace(text, "").Length;
        return new PathTemplate(text, new Regex(pattern.ToString(), RegexOptions.CultureInvariant), [.. names], literal);
    }

    /// <summary>The parameters' values (unescaped) if <paramref name="path"/> matches, else null.</summary>
    public IReadOnlyDictionary<string, string>? Match(string path)
    {
        var match = _pattern.Match(path);
        if (!match.Success)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            values[_names[i]] = Uri.UnescapeDataString(match.Groups[i + 1].Value);
        }

        return values;
    }

    public override string ToString() => Text;

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Parameter();
}
