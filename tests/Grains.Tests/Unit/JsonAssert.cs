using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>JSON equality as an API server sees it: same members and items, numbers equal by value.</summary>
public static class JsonAssert
{
    public static void Equal(JsonNode? expected, JsonNode? actual, string because = "")
    {
        var difference = Difference(expected, actual, "$");
        Assert.True(difference is null, $"{because} {difference}\nexpected: {expected?.ToJsonString()}\nactual:   {actual?.ToJsonString()}");
    }

    public static string? Difference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key} is only on one side";
                    }

                    if (Difference(e[key], a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path} has {e.Count} items on one side and {a.Count} on the other";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (Difference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonValue e, JsonValue a) when e.GetValueKind() == JsonValueKind.Number && a.GetValueKind() == JsonValueKind.Number:
                return double.Parse(e.ToJsonString(), CultureInfo.InvariantCulture) == double.Parse(a.ToJsonString(), CultureInfo.InvariantCulture)
                    ? null
                    : $"{path}: {e.ToJsonString()} != {a.ToJsonString()}";
            case (JsonValue e, JsonValue a):
                return e.ToJsonString() == a.ToJsonString() ? null : $"{path}: {e.ToJsonString()} != {a.ToJsonString()}";
            default:
                return $"{path}: {expected?.ToJsonString() ?? "null"} != {actual?.ToJsonString() ?? "null"}";
        }
    }
}
