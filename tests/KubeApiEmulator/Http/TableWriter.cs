using System.Text.Json.Nodes;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>
/// Server-side printing: the <c>meta.k8s.io/v1</c> Table that <c>kubectl get</c> asks for, with the
/// Name and Age columns every kind has.
/// </summary>
public static class TableWriter
{
    public static bool Wanted(string? accept) => accept?.Contains("as=Table", StringComparison.Ordinal) == true;

    public static JsonObject FromList(JsonObject list, DateTimeOffset now) =>
        Table(list["metadata"]?.DeepClone(), ((JsonArray)list["items"]!).OfType<JsonObject>(), now);

    public static JsonObject FromObject(JsonObject obj, DateTimeOffset now) =>
        Table(new JsonObject { ["resourceVersion"] = obj["metadata"]?["resourceVersion"]?.DeepClone() }, [obj], now);

    private static JsonObject Table(JsonNode? metadata, IEnumerable<JsonObject> items, DateTimeOffset now) => new()
    {
        ["kind"] = "Table",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = metadata ?? new JsonObject(),
        ["columnDefinitions"] = new JsonArray(
            Column("Name", "name", "Name must be unique within a namespace."),
            Column("Age", "", "CreationTimestamp is a timestamp representing the server time when this object was created.")),
        ["rows"] = new JsonArray(items.Select(item => (JsonNode)new JsonObject
        {
            ["cells"] = new JsonArray(item["metadata"]?["name"]?.DeepClone(), Age(item, now)),
            ["object"] = new JsonObject
            {
                ["kind"] = "PartialObjectMetadata",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = item["metadata"]?.DeepClone(),
            },
        }).ToArray()),
    };

    private static JsonObject Column(string name, string format, string description) => new()
    {
        ["name"] = name,
        ["type"] = "string",
        ["format"] = format,
        ["description"] = description,
        ["priority"] = 0,
    };

    /// <summary>The short human duration kubectl prints: 42s, 5m, 3h, 2d.</summary>
    private static string Age(JsonObject item, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(item["metadata"]?["creationTimestamp"]?.GetValue<string>(), out var created))
        {
            return "<unknown>";
        }

        var age = now - created;
        return age.TotalSeconds < 120 ? $"{Math.Max(0, (int)age.TotalSeconds)}s"
            : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
