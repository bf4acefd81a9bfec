using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// Turns one YAML document into JSON nodes as kubectl's reader would: anchors and aliases expanded (within a node
/// budget, so an alias bomb is refused), merge keys applied, keys and scalars resolved by YAML 1.1 rules.
/// </summary>
internal static class YamlNodeReader
{
    /// <summary>The node at the parser, its aliases expanded within <paramref name="budget"/>.</summary>
    public static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors, Budget budget, int depth)
    {
        if (depth > budget.MaxDepth)
        {
            throw new DeliveryRefusedException($"the manifest nests deeper than {budget.MaxDepth} levels");
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
            {
                throw new DeliveryRefusedException($"unknown anchor '{alias.Value.Value}' at line {alias.Start.Line}");
            }

            budget.Spend(Count(anchored));
            return anchored?.DeepClone();
        }

        budget.Spend(1);
        var (node, anchor) = ReadValue(parser, anchors, budget, depth);
        if (anchor.Length > 0)
        {
            anchors[anchor] = node?.DeepClone();
        }

        return node;
    }

    /// <summary>A scalar, sequence or mapping, and the anchor it defines (empty for none).</summary>
    private static (JsonNode? Node, string Anchor) ReadValue(IParser parser, Dictionary<string, JsonNode?> anchors, Budget budget, int depth)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            return (Scalar(scalar), scalar.Anchor.IsEmpty ? "" : scalar.Anchor.Value);
        }

        if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                array.Add(ReadNode(parser, anchors, budget, depth + 1));
            }

            return (array, sequence.Anchor.IsEmpty ? "" : sequence.Anchor.Value);
        }

        var mapping = parser.Consume<MappingStart>();
        var anchor = mapping.Anchor.IsEmpty ? "" : mapping.Anchor.Value;
        return (ReadMapping(parser, anchors, budget, depth), anchor);
    }

    private static JsonObject ReadMapping(IParser parser, Dictionary<string, JsonNode?> anchors, Budget budget, int depth)
    {
        var obj = new JsonObject();
        var merged = new List<JsonObject>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = parser.Current;
            if (keyEvent is not Scalar keyScalar)
            {
                throw new DeliveryRefusedException($"a mapping key at line {keyEvent?.Start.Line} is not a scalar");
            }

            parser.MoveNext();
            var value = ReadNode(parser, anchors, budget, depth + 1);
            if (keyScalar.Value == "<<" && keyScalar.Style == ScalarStyle.Plain && keyScalar.Tag.IsEmpty)
            {
                merged.AddRange(MergeSources(value, keyScalar));
                continue;
            }

            // A repeated key: the last one wins, as kubectl's (non-strict) YAML reader has it.
            obj[Key(keyScalar)] = value;
        }

        // Merge keys (<<) fill in what the mapping does not set itself; earlier sources win over later ones.
        foreach (var source in merged)
        {
            foreach (var (key, value) in source)
            {
                if (!obj.ContainsKey(key))
                {
                    obj[key] = value?.DeepClone();
                }
            }
        }

        return obj;
    }

    private static IEnumerable<JsonObject> MergeSources(JsonNode? value, Scalar key) => value switch
    {
        JsonObject single => [single],
        JsonArray many when many.All(m => m is JsonObject) => many.Cast<JsonObject>(),
        _ => throw new DeliveryRefusedException($"the merge key at line {key.Start.Line} must merge a mapping or a list of mappings"),
    };

    /// <summary>Keys are resolved like values and then written as JSON text: <c>on:</c> becomes <c>"true"</c>, as in kubectl.</summary>
    private static string Key(Scalar key)
    {
        var resolved = Scalar(key);
        return resolved switch
        {
            null => "null",
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
            _ => resolved.ToJsonString(),
        };
    }

    private static JsonNode? Scalar(Scalar scalar)
    {
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" || scalar.Style is not ScalarStyle.Plain && tag.Length == 0)
        {
            return JsonValue.Create(scalar.Value);
        }

        var resolved = YamlScalars.ResolvePlain(scalar.Value);
        return tag switch
        {
            "" => resolved,
            "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" when resolved is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number => resolved,
            "tag:yaml.org,2002:bool" when resolved is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => resolved,
            "tag:yaml.org,2002:null" when resolved is null => null,
            "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" or "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:null" =>
                throw new DeliveryRefusedException($"cannot decode '{scalar.Value}' as {tag} at line {scalar.Start.Line}"),
            _ => resolved,
        };
    }

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject obj => 1 + obj.Sum(p => Count(p.Value)),
        JsonArray array => 1 + array.Sum(Count),
        _ => 1,
    };

    /// <summary>Nodes left to create in one document, alias expansions included.</summary>
    public sealed class Budget(ManifestOptions limits)
    {
        private long _remaining = limits.MaxNodes;

        public int MaxDepth { get; } = limits.MaxDepth;

        public void Spend(int nodes)
        {
            _remaining -= nodes;
            if (_remaining < 0)
            {
                throw new DeliveryRefusedException($"the manifest expands to more than {limits.MaxNodes} YAML nodes (alias expansion included)");
            }
        }
    }
}
