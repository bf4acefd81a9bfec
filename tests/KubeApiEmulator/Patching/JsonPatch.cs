using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Patching;

/// <summary>JSON patch, RFC 6902: add, remove, replace, move, copy and test over JSON pointers.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"]?.GetValue<string>() is not { } name || op["path"]?.GetValue<string>() is not { } path)
            {
                throw KubeStatusException.BadRequest("json patch operation must be an object with 'op' and 'path'");
            }

            switch (name)
            {
                case "add":
                    Add(document, path, Value(op));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    Add(document, path, Value(op));
                    break;
                case "move":
                    var moved = Get(document, From(op));
                    Remove(document, From(op));
                    Add(document, path, moved);
                    break;
                case "copy":
                    Add(document, path, Get(document, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), op["value"]))
                    {
                        throw Failed($"testing value {path} failed");
                    }

                    break;
                default:
                    throw KubeStatusException.BadRequest($"Unexpected kind: {name}");
            }
        }

        return document;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw Failed("missing value");

    private static string From(JsonObject op) => op["from"]?.GetValue<string>() ?? throw Failed("missing from");

    private static (JsonNode Parent, string Token) Parent(JsonNode document, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            throw Failed("cannot operate on the whole document");
        }

        var parent = document;
        foreach (var token in tokens.Take(tokens.Count - 1))
        {
            parent = Child(parent, token) ?? throw Failed($"doc is missing path: \"{path}\": missing value");
        }

        return (parent, tokens[^1]);
    }

    private static JsonNode? Get(JsonNode document, string path)
    {
        var node = document;
        foreach (var token in Tokens(path))
        {
            node = Child(node, token) ?? throw Failed($"doc is missing path: \"{path}\": missing value");
        }

        return node;
    }

    private static void Add(JsonNode document, string path, JsonNode? value)
    {
        var (parent, token) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray array when token == "-":
                array.Add(value);
                break;
            case JsonArray array:
                var index = Index(token, array.Count + 1, path);
                array.Insert(index, value);
                break;
            default:
                throw Failed($"doc is missing path: \"{path}\"");
        }
    }

    private static void Remove(JsonNode document, string path)
    {
        var (parent, token) = Parent(document, path);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(token):
                obj.Remove(token);
                break;
            case JsonArray array:
                array.RemoveAt(Index(token, array.Count, path));
                break;
            default:
                throw Failed($"doc is missing path: \"{path}\": missing value");
        }
    }

    private static JsonNode? Child(JsonNode? node, string token) => node switch
    {
        JsonObject obj => obj[token],
        JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
        _ => null,
    };

    private static int Index(string token, int limit, string path) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < limit
            ? index
            : throw Failed($"unable to access invalid index in path \"{path}\"");

    private static List<string> Tokens(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (!path.StartsWith('/'))
        {
            throw KubeStatusException.BadRequest($"json patch path must start with '/': {path}");
        }

        return path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static KubeStatusException Failed(string why) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: {why}");
}
