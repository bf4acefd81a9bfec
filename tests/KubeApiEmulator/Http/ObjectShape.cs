using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>Decodes request bodies and rejects the shapes a real API server cannot decode, with its 400 messages.</summary>
public static class ObjectShape
{
    /// <summary>Parses a JSON (or, for YAML content types, YAML) body into an object.</summary>
    public static JsonObject ParseObject(string body, string? contentType)
    {
        if (contentType is not null && contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase))
        {
            // kubectl's imperative generators (create configmap, create namespace) send protobuf; only JSON
            // and YAML are decoded here, so say so plainly rather than failing on the bytes.
            throw KubeStatusException.UnsupportedMediaType(contentType);
        }

        JsonNode? node;
        if (contentType is not null && contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase))
        {
            node = YamlBody.Parse(body);
        }
        else
        {
            try
            {
                node = JsonNode.Parse(body);
            }
            catch (JsonException e)
            {
                throw KubeStatusException.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
            }
        }

        return node as JsonObject ?? throw KubeStatusException.BadRequest("the body of the request was not a JSON object");
    }

    /// <summary>Checks apiVersion, kind and the types of the metadata fields the server decodes strictly.</summary>
    public static void Require(ResourceType type, JsonObject obj)
    {
        var kind = String(obj, "kind", "Object 'Kind' is missing");
        var apiVersion = String(obj, "apiVersion", "Object 'apiVersion' is missing");
        if (kind.Length == 0 && apiVersion.Length == 0 && type.BuiltIn)
        {
            // Built-in kinds are decoded with the endpoint's kind as the default; custom resources are not.
            (kind, apiVersion) = (type.Kind, type.GroupVersion);
            obj["kind"] = kind;
            obj["apiVersion"] = apiVersion;
        }

        if (kind.Length == 0)
        {
            throw KubeStatusException.BadRequest($"Object 'Kind' is missing in '{Abbreviate(obj)}'");
        }

        if (apiVersion != type.GroupVersion)
        {
            throw KubeStatusException.BadRequest(
                $"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        }

        if (kind != type.Kind)
        {
            throw KubeStatusException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        var metadata = obj["metadata"];
        if (metadata is null)
        {
            obj["metadata"] = new JsonObject();
            return;
        }

        if (metadata is not JsonObject meta)
        {
            throw Unmarshal(metadata, "metadata", "v1.ObjectMeta");
        }

        foreach (var field in new[] { "name", "generateName", "namespace", "resourceVersion", "uid" })
        {
            if (meta[field] is { } value && value.GetValueKind() != JsonValueKind.String)
            {
                throw Unmarshal(value, $"metadata.{field}", "string");
            }
        }

        foreach (var map in new[] { "labels", "annotations" })
        {
            switch (meta[map])
            {
                case null:
                    break;
                case JsonObject entries:
                    foreach (var (_, value) in entries)
                    {
                        if (value is null || value.GetValueKind() != JsonValueKind.String)
                        {
                            throw Unmarshal(value, $"metadata.{map}", "string");
                        }
                    }

                    break;
                case var other:
                    throw Unmarshal(other, $"metadata.{map}", "map[string]string");
            }
        }
    }

    private static string String(JsonObject obj, string field, string missing) => obj[field] switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw KubeStatusException.BadRequest($"{missing}: {field} is {other.GetValueKind()}"),
    };

    private static KubeStatusException Unmarshal(JsonNode? value, string field, string goType)
    {
        var kind = value?.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number => "number",
            JsonValueKind.Array => "array",
            JsonValueKind.Object => "object",
            JsonValueKind.String => "string",
            _ => "null",
        };
        return KubeStatusException.BadRequest($"json: cannot unmarshal {kind} into Go struct field ObjectMeta.{field} of type {goType}");
    }

    private static string Abbreviate(JsonObject obj)
    {
        var text = obj.ToJsonString();
        return text.Length > 80 ? text[..80] + "..." : text;
    }
}
