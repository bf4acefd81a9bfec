using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// Reads a repository's manifest into the JSON objects kubectl would send for it: every document of a
/// multi-document file, the items of a <c>kind: List</c>, scalars resolved by YAML 1.1 rules. Size, nesting
/// and alias expansion are capped so that hostile YAML is refused instead of expanded.
/// </summary>
public sealed class ManifestReader(ManifestOptions limits)
{
    private const string UnderIndentedQuotedScalar = "While scanning a multi-line double-quoted scalar, found wrong indentation.";
    private const int MaxIndentationRepairs = 100;

    public IReadOnlyList<JsonObject> Read(string yaml)
    {
        if (Encoding.UTF8.GetByteCount(yaml) > limits.MaxBytes)
        {
            throw new ManifestException($"the manifest is larger than {limits.MaxBytes} bytes");
        }

        for (var repairs = 0; ; repairs++)
        {
            try
            {
                return Parse(yaml);
            }
            catch (SyntaxErrorException e) when (e.Message == UnderIndentedQuotedScalar && repairs < MaxIndentationRepairs)
            {
                // kubectl's parser (libyaml's) accepts a continuation line of a double-quoted scalar that is not
                // indented past its key, as Argo's own examples have it; YamlDotNet does not. Leading blanks of a
                // continuation line are folded away, so indenting that line by one changes no value.
                yaml = IndentLine(yaml, (int)e.End.Line);
            }
            catch (YamlException e)
            {
                throw new ManifestException($"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
            }
        }
    }

    private static string IndentLine(string text, int line)
    {
        var start = 0;
        for (var current = 1; current < line; current++)
        {
            start = text.IndexOf('\n', start) + 1;
        }

        return text.Insert(start, " ");
    }

    private IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var objects = new List<JsonObject>();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var index = 0;
        while (!parser.Accept<StreamEnd>(out _))
        {
            parser.Consume<DocumentStart>();
            var budget = new Budget(limits);
            var document = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, [], budget, 0);
            parser.Consume<DocumentEnd>();
            index++;
            AddDocument(objects, document, index);
        }

        if (objects.Count > limits.MaxObjects)
        {
            throw new ManifestException($"the manifest has {objects.Count} objects; at most {limits.MaxObjects} are allowed");
        }

        return objects;
    }

    private static void AddDocument(List<JsonObject> objects, JsonNode? document, int index)
    {
        switch (document)
        {
            case null:
                return;
            case JsonObject obj when obj["kind"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                                     && obj["kind"]!.GetValue<string>() == "List" && obj["items"] is JsonArray items:
                foreach (var item in items)
                {
                    objects.Add(RequireObject(item?.DeepClone(), index));
                }

                return;
            default:
                objects.Add(RequireObject(document, index));
                return;
        }
    }

    private static JsonObject RequireObject(JsonNode? node, int index)
    {
        if (node is not JsonObject obj)
        {
            throw new ManifestException($"document {index} is not a Kubernetes object (a mapping with apiVersion and kind)");
        }

        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (obj[field] is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.String || value.GetValue<string>().Length == 0)
            {
                throw new ManifestException($"document {index} has no {field}");
            }
        }

        return obj;
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors, Budget budget, int depth)
    {
        if (depth > budget.MaxDepth)
        {
            throw new ManifestException($"the manifest nests deeper than {budget.MaxDepth} levels");
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
            {
                throw new ManifestException($"unknown anchor '{alias.Value.Value}' at line {alias.Start.Line}");
            }

            budget.Spend(Count(anchored));
            return anchored?.DeepClone();
        }

        budget.Spend(1);
        JsonNode? node;
        string anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor.IsEmpty ? "" : scalar.Anchor.Value;
            node = Scalar(scalar);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            anchor = sequence.Anchor.IsEmpty ? "" : sequence.Anchor.Value;
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                array.Add(ReadNode(parser, anchors, budget, depth + 1));
            }

            node = array;
        }
        else
        {
            var mapping = parser.Consume<MappingStart>();
            anchor = mapping.Anchor.IsEmpty ? "" : mapping.Anchor.Value;
            node = ReadMapping(parser, anchors, budget, depth);
        }

        if (anchor.Length > 0)
        {
            anchors[anchor] = node?.DeepClone();
        }

        return node;
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
                throw new ManifestException($"a mapping key at line {keyEvent?.Start.Line} is not a scalar");
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
        _ => throw new ManifestException($"the merge key at line {key.Start.Line} must merge a mapping or a list of mappings"),
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
                throw new ManifestException($"cannot decode '{scalar.Value}' as {tag} at line {scalar.Start.Line}"),
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
    private sealed class Budget(ManifestOptions limits)
    {
        private long _remaining = limits.MaxNodes;

        public int MaxDepth { get; } = limits.MaxDepth;

        public void Spend(int nodes)
        {
            _remaining -= nodes;
            if (_remaining < 0)
            {
                throw new ManifestException($"the manifest expands to more than {limits.MaxNodes} YAML nodes (alias expansion included)");
            }
        }
    }
}
