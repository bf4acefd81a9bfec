using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Patching;

/// <summary>
/// Field ownership as server-side apply keeps it in <c>metadata.managedFields</c>, and the apply merge itself.
/// Every list is atomic, as it is for a custom resource that preserves unknown fields; built-in kinds'
/// keyed list merging (containers by name) is not modelled.
/// </summary>
public static class ManagedFields
{
    private const string ApplyOperation = "Apply";
    private const string UpdateOperation = "Update";

    private static readonly HashSet<string> UnownedMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp"];

    private sealed class Entry(string manager, string operation, string apiVersion, string time, HashSet<string> paths)
    {
        public string Manager { get; } = manager;

        public string Operation { get; } = operation;

        public string ApiVersion { get; set; } = apiVersion;

        public string Time { get; set; } = time;

        public HashSet<string> Paths { get; } = paths;
    }

    /// <summary>Records a create, update or non-apply patch: the manager owns what it changed, others lose it.</summary>
    public static void RecordUpdate(JsonObject? before, JsonObject after, ResourceType type, string manager, DateTimeOffset now)
    {
        var entries = before is null ? [] : Read(before);
        var oldLeaves = before is null ? [] : Leaves(before);
        var newLeaves = Leaves(after);
        var touched = newLeaves.Where(l => !oldLeaves.TryGetValue(l.Key, out var old) || !JsonNode.DeepEquals(old, l.Value))
            .Select(l => l.Key)
            .Concat(oldLeaves.Keys.Where(k => !newLeaves.ContainsKey(k)))
            .ToHashSet();
        if (touched.Count == 0 && before is not null)
        {
            Write(after, entries);
            return;
        }

        foreach (var entry in entries)
        {
            entry.Paths.RemoveWhere(p => touched.Any(t => Overlaps(p, t)));
        }

        var mine = Find(entries, manager, UpdateOperation, type, now);
        mine.Paths.UnionWith(touched.Where(newLeaves.ContainsKey));
        mine.Time = Timestamp(now);
        Write(after, entries);
    }

    /// <summary>
    /// Merges an apply configuration into <paramref name="current"/> (null when the object does not exist yet):
    /// conflicts with other managers' differing values are a 409 unless <paramref name="force"/>, and fields this
    /// manager applied before but no longer names are removed unless another manager owns them.
    /// </summary>
    public static JsonObject Apply(JsonObject? current, JsonObject config, ResourceType type, string manager, bool force, DateTimeOffset now)
    {
        var entries = current is null ? [] : Read(current);
        var configLeaves = Leaves(config);
        var conflicts = new List<(Entry Owner, string Path)>();
        foreach (var entry in entries.Where(e => !(e.Manager == manager && e.Operation == ApplyOperation)))
        {
            foreach (var path in entry.Paths)
            {
                foreach (var configPath in configLeaves.Keys.Where(c => Overlaps(c, path)))
                {
                    var shorter = configPath.Length <= path.Length ? configPath : path;
                    if (!JsonNode.DeepEquals(ValueAt(current!, shorter), ValueAt(config, shorter)))
                    {
                        conflicts.Add((entry, path));
                        break;
                    }
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw ApplyConflict(type, config["metadata"]?["name"]?.GetValue<string>() ?? "", conflicts);
        }

        foreach (var (owner, path) in conflicts)
        {
            owner.Paths.Remove(path);
        }

        var result = (JsonObject?)current?.DeepClone() ?? new JsonObject
        {
            ["apiVersion"] = type.GroupVersion,
            ["kind"] = type.Kind,
            ["metadata"] = new JsonObject(),
        };
        var mine = Find(entries, manager, ApplyOperation, type, now);
        var ownedByOthers = entries.Where(e => e != mine).SelectMany(e => e.Paths).ToHashSet();
        foreach (var path in mine.Paths.Where(p => !configLeaves.ContainsKey(p) && !ownedByOthers.Contains(p)))
        {
            RemoveAt(result, path);
        }

        foreach (var (path, value) in configLeaves)
        {
            SetAt(result, path, value?.DeepClone());
        }

        if (result["metadata"] is not JsonObject)
        {
            result["metadata"] = new JsonObject();
        }

        mine.Paths.Clear();
        mine.Paths.UnionWith(configLeaves.Keys);
        mine.Time = Timestamp(now);
        Write(result, entries);
        return result;
    }

    private static KubeStatusException ApplyConflict(ResourceType type, string name, List<(Entry Owner, string Path)> conflicts)
    {
        var causes = conflicts.Select(c => new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = $"conflict with \"{c.Owner.Manager}\" using {c.Owner.ApiVersion}",
            ["field"] = DottedPath(c.Path),
        }).ToArray<JsonNode?>();
        var noun = conflicts.Count == 1 ? "conflict" : "conflicts";
        var lines = string.Join("\n", conflicts.Select(c => $"- {DottedPath(c.Path)}"));
        var owners = string.Join(", ", conflicts.Select(c => $"\"{c.Owner.Manager}\"").Distinct());
        var details = new JsonObject { ["name"] = name, ["kind"] = type.Plural, ["causes"] = new JsonArray(causes) };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        return new(409, "Conflict", $"Apply failed with {conflicts.Count} {noun}: conflict with {owners}:\n{lines}", details);
    }

    private static Entry Find(List<Entry> entries, string manager, string operation, ResourceType type, DateTimeOffset now)
    {
        var entry = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == operation);
        if (entry is null)
        {
            entry = new(manager, operation, type.GroupVersion, Timestamp(now), []);
            entries.Add(entry);
        }

        entry.ApiVersion = type.GroupVersion;
        return entry;
    }

    private static bool Overlaps(string a, string b) =>
        a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);

    private static string Timestamp(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string DottedPath(string path) => "." + string.Join(".", Segments(path));

    /// <summary>The owned leaves of an object: every scalar, list or empty map, by JSON pointer.</summary>
    private static Dictionary<string, JsonNode?> Leaves(JsonObject obj)
    {
        var leaves = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind")
            {
                continue;
            }

            if (key == "metadata" && value is JsonObject metadata)
            {
                foreach (var (metaKey, metaValue) in metadata.Where(m => !UnownedMetadata.Contains(m.Key)))
                {
                    Collect(leaves, "/metadata/" + Escape(metaKey), metaValue);
                }

                continue;
            }

            Collect(leaves, "/" + Escape(key), value);
        }

        return leaves;
    }

    private static void Collect(Dictionary<string, JsonNode?> leaves, string path, JsonNode? value)
    {
        if (value is JsonObject obj && obj.Count > 0)
        {
            foreach (var (key, child) in obj)
            {
                Collect(leaves, path + "/" + Escape(key), child);
            }
        }
        else
        {
            leaves[path] = value;
        }
    }

    private static List<Entry> Read(JsonObject obj)
    {
        var entries = new List<Entry>();
        if (obj["metadata"]?["managedFields"] is not JsonArray array)
        {
            return entries;
        }

        foreach (var item in array.OfType<JsonObject>())
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            if (item["fieldsV1"] is JsonObject fields)
            {
                ReadFields(fields, "", paths);
            }

            entries.Add(new(
                item["manager"]?.GetValue<string>() ?? "",
                item["operation"]?.GetValue<string>() ?? UpdateOperation,
                item["apiVersion"]?.GetValue<string>() ?? "",
                item["time"]?.GetValue<string>() ?? "",
                paths));
        }

        return entries;
    }

    private static void ReadFields(JsonObject fields, string prefix, HashSet<string> paths)
    {
        var children = fields.Where(f => f.Key.StartsWith("f:", StringComparison.Ordinal)).ToArray();
        if (children.Length == 0)
        {
            paths.Add(prefix);
            return;
        }

        foreach (var (key, child) in children)
        {
            ReadFields(child as JsonObject ?? [], prefix + "/" + Escape(key[2..]), paths);
        }
    }

    private static void Write(JsonObject obj, List<Entry> entries)
    {
        var array = new JsonArray();
        foreach (var entry in entries.Where(e => e.Paths.Count > 0))
        {
            var fields = new JsonObject();
            foreach (var path in entry.Paths.Order(StringComparer.Ordinal))
            {
                var node = fields;
                foreach (var segment in Segments(path))
                {
                    if (node["f:" + segment] is not JsonObject next)
                    {
                        next = [];
                        node["f:" + segment] = next;
                    }

                    node = next;
                }
            }

            array.Add(new JsonObject
            {
                ["manager"] = entry.Manager,
                ["operation"] = entry.Operation,
                ["apiVersion"] = entry.ApiVersion,
                ["time"] = entry.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = fields,
            });
        }

        if (obj["metadata"] is JsonObject metadata)
        {
            metadata["managedFields"] = array;
        }
    }

    private static JsonNode? ValueAt(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var segment in Segments(path))
        {
            node = (node as JsonObject)?[segment];
        }

        return node;
    }

    private static void SetAt(JsonObject obj, string path, JsonNode? value)
    {
        var segments = Segments(path).ToArray();
        var node = obj;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject next)
            {
                next = [];
                node[segment] = next;
            }

            node = next;
        }

        node[segments[^1]] = value;
    }

    private static void RemoveAt(JsonObject obj, string path)
    {
        var segments = Segments(path).ToArray();
        var chain = new List<JsonObject> { obj };
        foreach (var segment in segments[..^1])
        {
            if (chain[^1][segment] is not JsonObject next)
            {
                return;
            }

            chain.Add(next);
        }

        chain[^1].Remove(segments[^1]);
        for (var i = chain.Count - 1; i > 0 && chain[i].Count == 0; i--)
        {
            chain[i - 1].Remove(segments[i - 1]);
        }
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static IEnumerable<string> Segments(string path) =>
        path.Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
}
