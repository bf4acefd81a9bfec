using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Patching;
using K8sWebhookHandler.KubeApiEmulator.Resources;
using K8sWebhookHandler.KubeApiEmulator.Selection;
using K8sWebhookHandler.KubeApiEmulator.Storage;
using K8sWebhookHandler.KubeApiEmulator.Validation;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>The verbs on stored objects, with the API server's metadata rules and error answers.</summary>
public sealed partial class ResourceHandler(ObjectStore store, ResourceCatalog catalog, TimeProvider time)
{
    // k8s.io/apimachinery/pkg/util/rand: consonants and digits that cannot spell words.
    private const string GeneratedNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int GeneratedSuffixLength = 5;
    private const int MaxGenerateNamePrefix = 63 - GeneratedSuffixLength;

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (store.Gate)
        {
            RequireNamespace(type, ns, mustExist: false);
            return (JsonObject)(store.Get(ObjectKey.Of(type, ns, name)) ?? throw KubeStatusException.NotFound(type, name)).DeepClone();
        }
    }

    public JsonObject List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, int limit, string? continueToken)
    {
        lock (store.Gate)
        {
            var after = DecodeContinue(continueToken);
            var matching = store.List(type, ns)
                .Where(o => after is null || string.CompareOrdinal(Position(o.Key), after) > 0)
                .Where(o => labels.Matches(o.Value) && fields.Matches(o.Value))
                .ToList();
            var page = limit > 0 ? matching.Take(limit).ToList() : matching;
            var metadata = new JsonObject { ["resourceVersion"] = store.ResourceVersion.ToString(CultureInfo.InvariantCulture) };
            if (page.Count < matching.Count)
            {
                metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Position(page[^1].Key)));
                metadata["remainingItemCount"] = matching.Count - page.Count;
            }

            return new JsonObject
            {
                ["kind"] = type.ListKind,
                ["apiVersion"] = type.GroupVersion,
                ["metadata"] = metadata,
                ["items"] = new JsonArray(page.Select(o => (JsonNode)ListItem(type, o.Value)).ToArray()),
            };
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject obj, RequestOptions options)
    {
        ObjectShape.Require(type, obj);
        var metadata = (JsonObject)obj["metadata"]!;
        ns = BindNamespace(type, ns, metadata);
        if (metadata["resourceVersion"] is not null)
        {
            throw new KubeStatusException(500, "InternalError", "Internal error occurred: resourceVersion should not be set on objects to be created");
        }

        lock (store.Gate)
        {
            var name = metadata["name"]?.GetValue<string>() ?? "";
            if (name.Length == 0 && metadata["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
            {
                ObjectValidator.ValidateGenerateName(type, prefix);
                name = GenerateName(type, ns, prefix);
                metadata["name"] = name;
            }

            ObjectValidator.Validate(type, obj);
            RequireNamespace(type, ns, mustExist: true);
            var key = ObjectKey.Of(type, ns, name);
            if (store.Get(key) is not null)
            {
                throw KubeStatusException.AlreadyExists(type, name);
            }

            Initialise(type, obj);
            ManagedFields.RecordUpdate(null, obj, type, options.FieldManager, time.GetUtcNow());
            return Persist(key, obj, options);
        }
    }

    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject obj, RequestOptions options)
    {
        ObjectShape.Require(type, obj);
        var metadata = (JsonObject)obj["metadata"]!;
        ns = BindNamespace(type, ns, metadata);
        RequireNameMatches(metadata, name);
        lock (store.Gate)
        {
            RequireNamespace(type, ns, mustExist: true);
            var key = ObjectKey.Of(type, ns, name);
            var current = store.Get(key) ?? throw KubeStatusException.NotFound(type, name);
            RequireResourceVersion(type, name, current, metadata);
            ObjectValidator.Validate(type, obj);
            ManagedFields.RecordUpdate(current, obj, type, options.FieldManager, time.GetUtcNow());
            return CommitChange(type, key, current, obj, options);
        }
    }

    public JsonObject Delete(ResourceType type, string? ns, string name, JsonObject? deleteOptions, RequestOptions options)
    {
        lock (store.Gate)
        {
            RequireNamespace(type, ns, mustExist: false);
            var key = ObjectKey.Of(type, ns, name);
            var current = store.Get(key) ?? throw KubeStatusException.NotFound(type, name);
            CheckPreconditions(type, name, current, deleteOptions);
            if (options.DryRun)
            {
                return (JsonObject)current.DeepClone();
            }

            if (type == catalog.Namespaces)
            {
                return DeleteNamespace(key, name);
            }

            var removed = store.Remove(key)!;
            return type.BuiltIn ? DeletedStatus(type, removed) : removed;
        }
    }

    public JsonObject DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, RequestOptions options)
    {
        lock (store.Gate)
        {
            var doomed = store.List(type, ns).Where(o => labels.Matches(o.Value) && fields.Matches(o.Value)).ToList();
            var removed = options.DryRun
                ? doomed.Select(o => (JsonNode)o.Value.DeepClone()).ToArray()
                : doomed.Select(o => (JsonNode)store.Remove(o.Key)!).ToArray();
            return new JsonObject
            {
                ["kind"] = type.ListKind,
                ["apiVersion"] = type.GroupVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = store.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
                ["items"] = new JsonArray(removed),
            };
        }
    }

    /// <summary>
    /// The real server deletes a namespace's contents in the background and the namespace after them; the
    /// emulator does both at once, so a test sees the end state without waiting for a controller.
    /// </summary>
    private JsonObject DeleteNamespace(ObjectKey key, string name)
    {
        foreach (var type in catalog.All.Where(t => t.Namespaced))
        {
            foreach (var contained in store.List(type, name).ToList())
            {
                store.Remove(contained.Key);
            }
        }

        var removed = store.Remove(key)!;
        removed["status"] = new JsonObject { ["phase"] = "Terminating" };
        return removed;
    }

    private static JsonObject DeletedStatus(ResourceType type, JsonObject removed) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = removed["metadata"]?["name"]?.DeepClone(),
            ["group"] = type.Group,
            ["kind"] = type.Plural,
            ["uid"] = removed["metadata"]?["uid"]?.DeepClone(),
        },
    };

    private static void CheckPreconditions(ResourceType type, string name, JsonObject current, JsonObject? deleteOptions)
    {
        if (deleteOptions?["preconditions"] is not JsonObject preconditions)
        {
            return;
        }

        foreach (var field in new[] { "uid", "resourceVersion" })
        {
            var wanted = preconditions[field]?.GetValue<string>();
            var actual = current["metadata"]?[field]?.GetValue<string>();
            if (wanted is not null && wanted != actual)
            {
                throw KubeStatusException.Conflict(type, name,
                    $"Precondition failed: {(field == "uid" ? "UID" : "ResourceVersion")} in precondition: {wanted}, {(field == "uid" ? "UID" : "ResourceVersion")} in object meta: {actual}");
            }
        }
    }

    /// <summary>Stores a changed object, or returns the current one untouched when nothing changed.</summary>
    private JsonObject CommitChange(ResourceType type, ObjectKey key, JsonObject current, JsonObject changed, RequestOptions options)
    {
        var currentMeta = (JsonObject)current["metadata"]!;
        var meta = (JsonObject)changed["metadata"]!;
        foreach (var field in new[] { "uid", "creationTimestamp", "resourceVersion" })
        {
            meta[field] = currentMeta[field]?.DeepClone();
        }

        meta["generation"] = currentMeta["generation"]?.DeepClone() ?? 1L;
        if (JsonNode.DeepEquals(WithoutVolatile(current), WithoutVolatile(changed)))
        {
            return (JsonObject)current.DeepClone();
        }

        if (!JsonNode.DeepEquals(Spec(current), Spec(changed)))
        {
            meta["generation"] = long.Parse(currentMeta["generation"]?.ToJsonString() ?? "1", CultureInfo.InvariantCulture) + 1;
        }

        return Persist(key, changed, options);
    }

    private JsonObject Persist(ObjectKey key, JsonObject obj, RequestOptions options)
    {
        if (options.DryRun)
        {
            return (JsonObject)obj.DeepClone();
        }

        return (JsonObject)store.Put(key, obj).DeepClone();
    }

    private void Initialise(ResourceType type, JsonObject obj)
    {
        var metadata = (JsonObject)obj["metadata"]!;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        metadata["generation"] = 1L;
        if (type == catalog.Namespaces)
        {
            obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            obj["status"] = new JsonObject { ["phase"] = "Active" };
        }
    }

    private string GenerateName(ResourceType type, string? ns, string prefix)
    {
        var stem = prefix.Length > MaxGenerateNamePrefix ? prefix[..MaxGenerateNamePrefix] : prefix;
        while (true)
        {
            var suffix = string.Create(GeneratedSuffixLength, 0, (span, _) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = GeneratedNameAlphabet[Random.Shared.Next(GeneratedNameAlphabet.Length)];
                }
            });
            var name = stem + suffix;
            if (store.Get(ObjectKey.Of(type, ns, name)) is null)
            {
                return name;
            }
        }
    }

    /// <summary>Takes the namespace from the URL; a body naming another one is refused, as on a real server.</summary>
    private static string? BindNamespace(ResourceType type, string? ns, JsonObject metadata)
    {
        var declared = metadata["namespace"]?.GetValue<string>();
        if (!type.Namespaced)
        {
            metadata.Remove("namespace");
            return null;
        }

        if (!string.IsNullOrEmpty(declared) && declared != ns)
        {
            throw KubeStatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        metadata["namespace"] = ns;
        return ns;
    }

    private void RequireNamespace(ResourceType type, string? ns, bool mustExist)
    {
        if (!type.Namespaced || !mustExist)
        {
            return;
        }

        if (store.Get(ObjectKey.Of(catalog.Namespaces, null, ns!)) is null)
        {
            throw KubeStatusException.NamespaceNotFound(ns!);
        }
    }

    private static void RequireNameMatches(JsonObject metadata, string name)
    {
        var declared = metadata["name"]?.GetValue<string>() ?? "";
        if (declared != name)
        {
            throw KubeStatusException.BadRequest($"the name of the object ({declared}) does not match the name on the URL ({name})");
        }
    }

    private static void RequireResourceVersion(ResourceType type, string name, JsonObject current, JsonObject metadata)
    {
        var wanted = metadata["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(wanted) && wanted != current["metadata"]?["resourceVersion"]?.GetValue<string>())
        {
            throw KubeStatusException.StaleResourceVersion(type, name);
        }
    }

    private static JsonObject ListItem(ResourceType type, JsonObject obj)
    {
        var item = (JsonObject)obj.DeepClone();
        if (type.BuiltIn)
        {
            // Built-in kinds come back from a list without their own kind and apiVersion.
            item.Remove("kind");
            item.Remove("apiVersion");
        }

        return item;
    }

    private static JsonObject WithoutVolatile(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            foreach (var entry in (meta["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
            {
                // A new timestamp alone is not a change; a new owner is.
                entry.Remove("time");
            }

            meta.Remove("resourceVersion");
            meta.Remove("generation");
        }

        return copy;
    }

    private static JsonObject Spec(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static string Position(ObjectKey key) => key.Namespace + "/" + key.Name;

    private static string? DecodeContinue(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw KubeStatusException.BadRequest("continue key is not valid: illegal base64 data");
        }
    }
}
