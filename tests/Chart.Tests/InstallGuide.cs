using System.Text.RegularExpressions;
using K8sWebhookHandler.Testing;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>One fenced block of docs/install.md: its language and its text.</summary>
public sealed record GuideBlock(string Language, string Text)
{
    /// <summary>The file a block names in its first line (<c># values.yaml</c>), or null.</summary>
    public string? FileName => Regex.Match(Text, @"\A#\s*([\w.-]+\.(?:ya?ml|conf))\s*\n") is { Success: true } m ? m.Groups[1].Value : null;
}

/// <summary>docs/install.md read as a reader follows it: its code blocks in order, and the commands in its shell blocks.</summary>
public static partial class InstallGuide
{
    public static readonly string Path = System.IO.Path.Combine(RepositoryPaths.Root, "docs", "install.md");

    /// <summary>Every fenced block, indented ones (in list items) included, with the indentation taken off.</summary>
    public static IReadOnlyList<GuideBlock> Blocks()
    {
        var blocks = new List<GuideBlock>();
        foreach (Match m in Fence().Matches(File.ReadAllText(Path)))
        {
            var indent = m.Groups["indent"].Value.Length;
            var lines = m.Groups["body"].Value.Split('\n').Select(l => l.Length >= indent ? l[indent..] : l.TrimStart());
            blocks.Add(new(m.Groups["language"].Value, string.Join('\n', lines)));
        }

        return blocks;
    }

    /// <summary>The commands of the shell blocks, in order, each on one line (backslash continuations joined).</summary>
    public static IReadOnlyList<string> Commands() =>
        Blocks().Where(b => b.Language == "bash")
            .SelectMany(b => b.Text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
            .Select(c => Regex.Replace(c.Trim(), @"\s+", " "))
            .Where(c => c.Length > 0 && !c.StartsWith('#'))
            .ToArray();

    /// <summary>The values files the guide writes out (<c># values….yaml</c> in their first line), by name.</summary>
    public static IReadOnlyDictionary<string, string> Files() =>
        Blocks().Where(b => b.FileName is not null).ToDictionary(b => b.FileName!, b => b.Text);

    [GeneratedRegex(@"^(?<indent>[ ]*)```(?<language>\w*)\n(?<body>.*?)\n[ ]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
