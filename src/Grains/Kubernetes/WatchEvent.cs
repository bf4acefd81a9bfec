using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>One event of a watch stream: <c>ADDED</c>, <c>MODIFIED</c>, <c>DELETED</c>, <c>BOOKMARK</c> or <c>ERROR</c>, and its object.</summary>
public sealed record WatchEvent(string Type, JsonObject Object)
{
    /// <summary>The object's <c>metadata.resourceVersion</c>, or null.</summary>
    public string? ResourceVersion => ManifestFields.StringOrNull((Object["metadata"] as JsonObject)?["resourceVersion"]);

    /// <summary>For an <c>ERROR</c> event: the <c>Status</c>'s code (410 when the version asked for is too old), or null.</summary>
    public int? ErrorCode => Object["code"] is JsonValue code && code.GetValueKind() == JsonValueKind.Number && code.TryGetValue<int>(out var value) ? value : null;

    /// <summary>For an <c>ERROR</c> event: the <c>Status</c>'s message, or empty.</summary>
    public string ErrorMessage => ManifestFields.StringOrNull(Object["message"]) ?? "";

    /// <summary>The event a line holds, or null when it is not JSON of the shape <c>{"type": "...", "object": {...}}</c>.</summary>
    public static WatchEvent? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) is JsonObject e && ManifestFields.StringOrNull(e["type"]) is { } type && e["object"] is JsonObject obj
                ? new WatchEvent(type, obj)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
