using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sWebhookHandler.KubeApiEmulator.Http;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>The chart's README documents every value of values.yaml, and nothing values.yaml does not have.</summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public void ValuesTable_ListsEveryLeafKeyOfValuesYaml_AndNoOther()
    {
        var values = YamlBody.Parse(File.ReadAllText(Path.Combine(ChartRenderer.ChartDirectory, "values.yaml")))!.AsObject();
        var leaves = Leaves(values, "").ToHashSet(StringComparer.Ordinal);
        var documented = TableKey().Matches(File.ReadAllText(Path.Combine(ChartRenderer.ChartDirectory, "README.md")))
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var undocumented = leaves.Except(documented);
        var unknown = documented.Except(leaves);
        Assert.Empty(undocumented.Order(StringComparer.Ordinal));
        Assert.Empty(unknown.Order(StringComparer.Ordinal));
        Assert.Contains("redis.host", documented);
    }

    /// <summary>The paths of the values that are not a non-empty mapping: a list or an empty map is one value.</summary>
    private static IEnumerable<string> Leaves(JsonObject node, string prefix) => node.SelectMany(p =>
        p.Value is JsonObject { Count: > 0 } child ? Leaves(child, $"{prefix}{p.Key}.") : [prefix + p.Key]);

    [GeneratedRegex(@"^\| `([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableKey();
}
