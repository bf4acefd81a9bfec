using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Cli.Output;

/// <summary>How single values read in a table: short shas, times relative to now, JSON fields as text.</summary>
internal static class Display
{
    public const int ShortShaLength = 7;

    /// <summary>The first seven characters of a commit sha; anything shorter, as it is.</summary>
    public static string ShortSha(string sha) => sha.Length > ShortShaLength ? sha[..ShortShaLength] : sha;

    /// <summary>How long ago <paramref name="time"/> was: <c>just now</c>, <c>42s ago</c>, <c>5m ago</c>, <c>3h ago</c>, <c>2d ago</c>.</summary>
    public static string Ago(DateTimeOffset time, DateTimeOffset now)
    {
        var elapsed = now - time;
        return elapsed switch
        {
            { TotalSeconds: < 1 } => "just now",
            { TotalMinutes: < 1 } => $"{(int)elapsed.TotalSeconds}s ago",
            { TotalHours: < 1 } => $"{(int)elapsed.TotalMinutes}m ago",
            { TotalDays: < 2 } => $"{(int)elapsed.TotalHours}h ago",
            _ => $"{(int)elapsed.TotalDays}d ago",
        };
    }

    /// <summary>A JSON time as <c>2026-11-30T05:12:03Z (5m ago)</c>; empty when absent.</summary>
    public static string When(JsonNode? node, DateTimeOffset now) =>
        Time(node) is { } time ? $"{time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} ({Ago(time, now)})" : "";

    /// <summary>A JSON time relative to now; empty when absent.</summary>
    public static string AgoOf(JsonNode? node, DateTimeOffset now) => Time(node) is { } time ? Ago(time, now) : "";

    /// <summary>A JSON string or number as text; empty when absent or null.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };

    /// <summary>The items of a list answer: <c>{ "items": [...] }</c>, or a bare array.</summary>
    public static IReadOnlyList<JsonObject> Items(JsonNode? root) =>
        (root as JsonArray ?? (root as JsonObject)?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();

    /// <summary><c>Label: value</c> lines, the values aligned two spaces after the longest label; empty values left out.</summary>
    public static StringBuilder Labelled(IReadOnlyList<(string Label, string Value)> fields)
    {
        var width = fields.Max(f => f.Label.Length) + 3;
        var text = new StringBuilder();
        foreach (var (label, value) in fields.Where(f => f.Value.Length > 0))
        {
            text.Append((label + ":").PadRight(width)).Append(value).Append('\n');
        }

        return text;
    }

    /// <summary>A Kubernetes object as <c>Kind namespace/name</c>.</summary>
    public static string Object(JsonNode? node)
    {
        var space = Text(node?["namespace"]);
        return $"{Text(node?["kind"])} {(space.Length > 0 ? space + "/" : "")}{Text(node?["name"])}";
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
