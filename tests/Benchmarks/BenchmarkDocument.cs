namespace K8sWebhookHandler.Benchmarks;

/// <summary>docs/benchmarks.md as parts: the text before the first <c>## </c> heading (key "") and one part per such heading.</summary>
public static class BenchmarkDocument
{
    public static Dictionary<string, string> Split(string text)
    {
        var parts = new Dictionary<string, string>();
        var heading = "";
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                parts[heading] = string.Join('\n', lines).Trim();
                (heading, lines) = (line.TrimEnd(), []);
            }

            lines.Add(line);
        }

        parts[heading] = string.Join('\n', lines).Trim();
        return parts;
    }

    /// <summary>The parts in the order they were added, the part before any heading first.</summary>
    public static string Join(Dictionary<string, string> parts) =>
        string.Join("\n\n", parts.OrderBy(p => p.Key.Length == 0 ? 0 : 1).Select(p => p.Value.Trim()).Where(p => p.Length > 0)) + "\n";
}
