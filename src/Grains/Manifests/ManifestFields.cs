using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// Reads the fields of a manifest object whose type Kubernetes fixes (names, namespaces, label and annotation
/// maps). YAML 1.1 turns unquoted <c>0x1F</c>, <c>12</c> or <c>yes</c> into a number or a boolean, which the API
/// server cannot decode into a string; such a value is refused here, naming the field, before anything is sent.
/// </summary>
public static class ManifestFields
{
    /// <summary>The string at <paramref name="field"/>, or null when it is absent or null; any other value is refused.</summary>
    /// <param name="parent">The mapping that holds the field.</param>
    /// <param name="field">The key, e.g. <c>name</c>.</param>
    /// <param name="path">The field as the refusal names it, e.g. <c>metadata.name</c>.</param>
    /// <param name="owner">What the field belongs to, e.g. <c>Workflow</c>.</param>
    public static string? OptionalString(JsonObject parent, string field, string path, string owner) => parent[field] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw NotA("a string", other, path, owner),
    };

    /// <summary>The mapping at <paramref name="field"/>, or null when it is absent or null; any other value is refused.</summary>
    public static JsonObject? OptionalMap(JsonObject parent, string field, string path, string owner) => parent[field] switch
    {
        null => null,
        JsonObject map => map,
        var other => throw NotA("a mapping", other, path, owner),
    };

    /// <summary>Labels and annotations: a mapping whose every value is a string, as Kubernetes' <c>map[string]string</c>.</summary>
    public static void RequireStringMap(JsonObject parent, string field, string path, string owner)
    {
        if (OptionalMap(parent, field, path, owner) is not { } map)
        {
            return;
        }

        foreach (var (key, value) in map)
        {
            if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
            {
                throw NotA("a string", value, $"{path}.{key}", owner);
            }
        }
    }

    /// <summary>For objects read back from the API server: the string, or null when absent or of another type.</summary>
    public static string? StringOrNull(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static DeliveryRefusedException NotA(string wanted, JsonNode? value, string path, string owner) =>
        new($"{owner} {path} must be {wanted}, not {Describe(value)}{Hint(value)}");

    private static string Describe(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Number => "the number " + value.ToJsonString(),
        JsonValueKind.True or JsonValueKind.False => "the boolean " + value.ToJsonString(),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "a mapping",
        var kind => kind.Value.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    private static string Hint(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null =>
            " (YAML reads this unquoted value as a number, boolean or null: put it in quotes)",
        _ => "",
    };
}
