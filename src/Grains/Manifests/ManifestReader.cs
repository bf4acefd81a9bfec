using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
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

    /// <summary>
    /// The objects of the manifest file <paramref name="path"/>, which is <paramref name="size"/> bytes; its
    /// <paramref name="text"/> is null when the source did not load it because it is larger than <c>MaxBytes</c>.
    /// </summary>
    public IReadOnlyList<JsonObject> Read(string path, long size, string? text) =>
        size > limits.MaxBytes || text is null
            ? throw new DeliveryRefusedException($"{path} is {size} bytes; at most {limits.MaxBytes} are read")
            : Read(text);

    /// <summary>The objects of a manifest's text; refuses (<see cref="DeliveryRefusedException"/>) broken or hostile YAML.</summary>
    public IReadOnlyList<JsonObject> Read(string yaml)
    {
        if (Encoding.UTF8.GetByteCount(yaml) > limits.MaxBytes)
        {
            throw new DeliveryRefusedException($"the manifest is larger than {limits.MaxBytes} bytes");
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
                throw new DeliveryRefusedException($"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
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
            var budget = new YamlNodeReader.Budget(limits);
            var document = parser.Accept<DocumentEnd>(out _) ? null : YamlNodeReader.ReadNode(parser, [], budget, 0);
            parser.Consume<DocumentEnd>();
            index++;
            AddDocument(objects, document, index);
        }

        if (objects.Count > limits.MaxObjects)
        {
            throw new DeliveryRefusedException($"the manifest has {objects.Count} objects; at most {limits.MaxObjects} are allowed");
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
            throw new DeliveryRefusedException($"document {index} is not a Kubernetes object (a mapping with apiVersion and kind)");
        }

        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (obj[field] is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.String || value.GetValue<string>().Length == 0)
            {
                throw new DeliveryRefusedException($"document {index} has no {field}");
            }
        }

        return obj;
    }
}
