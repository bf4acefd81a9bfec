namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// docs/benchmarks.md: the throughput report (the text before the first scenario section, its own <c>## </c>
/// sections included), then one section per other scenario, each starting at its <c>## </c> heading, in a fixed order.
/// A run rewrites what it measured and keeps the rest.
/// </summary>
public static class BenchmarkDocument
{
    /// <param name="existing">The document as it is (empty when there is none).</param>
    /// <param name="report">The new throughput report, or null to keep the one there is.</param>
    /// <param name="sections">New scenario sections by heading.</param>
    /// <param name="order">Every scenario heading, in the order the document lists them.</param>
    public static string Merge(string existing, string? report, IReadOnlyDictionary<string, string> sections, IReadOnlyList<string> order)
    {
        var parts = Split(existing);
        var head = report ?? string.Join("\n\n", parts.Where(p => !order.Contains(p.Heading)).Select(p => p.Text));
        var kept = order.Select(h => sections.TryGetValue(h, out var text) ? text : parts.FirstOrDefault(p => p.Heading == h).Text);
        return string.Join("\n\n", new[] { head }.Concat(kept).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim())) + "\n";
    }

    /// <summary>The text before the first <c>## </c> heading (heading "") and one part per such heading, in order.</summary>
    public static IReadOnlyList<(string Heading, string Text)> Split(string text)
    {
        var parts = new List<(string, string)>();
        var heading = "";
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                parts.Add((heading, string.Join('\n', lines).Trim()));
                (heading, lines) = (line.TrimEnd(), []);
            }

            lines.Add(line);
        }

        parts.Add((heading, string.Join('\n', lines).Trim()));
        return parts;
    }
}
