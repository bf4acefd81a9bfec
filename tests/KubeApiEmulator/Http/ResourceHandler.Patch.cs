using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Patching;
using K8sWebhookHandler.KubeApiEmulator.Resources;
using K8sWebhookHandler.KubeApiEmulator.Storage;
using K8sWebhookHandler.KubeApiEmulator.Validation;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

public sealed partial class ResourceHandler
{
    public const string MergePatchType = "application/merge-patch+json";
    public const string JsonPatchType = "application/json-patch+json";
    public const string StrategicMergePatchType = "application/strategic-merge-patch+json";
    public const string ApplyPatchType = "application/apply-patch+yaml";

    /// <summary>Applies a PATCH; <c>Created</c> is true when server-side apply made a new object.</summary>
    public (JsonObject Object, bool Created) Patch(
        ResourceType type, string? ns, string name, string? contentType, string body, RequestOptions options)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        switch (mediaType)
        {
            case ApplyPatchType:
                return Apply(type, ns, name, body, options);
            case MergePatchType or JsonPatchType:
                break;
            case StrategicMergePatchType when type.BuiltIn:
                // Strategic merge differs from a merge patch only on keyed lists, which the emulator treats as atomic.
                break;
            default:
                throw KubeStatusException.UnsupportedMediaType(mediaType);
        }

        var patch = ParsePatch(body);
        lock (store.Gate)
        {
            RequireNamespace(type, ns, mustExist: true);
            var key = ObjectKey.Of(type, ns, name);
            var current = store.Get(key) ?? throw KubeStatusException.NotFound(type, name);
            var patched = mediaType == JsonPatchType
                ? JsonPatch.Apply(current, patch as JsonArray ?? throw KubeStatusException.BadRequest("json patch must be an array of operations"))
                : MergePatch.Apply(current, patch as JsonObject ?? throw KubeStatusException.BadRequest("merge patch must be a JSON object"));
            if (patched is not JsonObject changed)
            {
                throw KubeStatusException.BadRequest("the patched object is not a JSON object");
            }

            ObjectShape.Require(type, changed);
            var metadata = (JsonObject)changed["metadata"]!;
            BindNamespace(type, ns, metadata);
            RequireNameMatches(metadata, name);
            RequireResourceVersion(type, name, current, metadata);
            ObjectValidator.Validate(type, changed);
            ManagedFields.RecordUpdate(current, changed, type, options.FieldManager, time.GetUtcNow());
            return (CommitChange(type, key, current, changed, options), false);
        }
    }

    /// <summary>Server-side apply: creates or merges, tracking field ownership per manager.</summary>
    private (JsonObject Object, bool Created) Apply(ResourceType type, string? ns, string name, string body, RequestOptions options)
    {
        if (!options.FieldManagerGiven)
        {
            throw KubeStatusException.BadRequest("PATCH requests with apply content type must include a fieldManager");
        }

        var config = ObjectShape.ParseObject(body, ApplyPatchType);
        ObjectShape.Require(type, config);
        var metadata = (JsonObject)config["metadata"]!;
        BindNamespace(type, ns, metadata);
        RequireNameMatches(metadata, name);
        lock (store.Gate)
        {
            RequireNamespace(type, ns, mustExist: true);
            var key = ObjectKey.Of(type, ns, name);
            var current = store.Get(key);
            if (current is not null)
            {
                RequireResourceVersion(type, name, current, metadata);
            }

            metadata.Remove("resourceVersion");
            var merged = ManagedFields.Apply(current, config, type, options.FieldManager, options.Force, time.GetUtcNow());
            var mergedMeta = (JsonObject)merged["metadata"]!;
            mergedMeta["name"] = name;
            if (type.Namespaced)
            {
                mergedMeta["namespace"] = ns;
            }

            ObjectValidator.Validate(type, merged);
            if (current is not null)
            {
                return (CommitChange(type, key, current, merged, options), false);
            }

            Initialise(type, merged);
            return (Persist(key, merged, options), true);
        }
    }

    private static JsonNode? ParsePatch(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw KubeStatusException.BadRequest($"error decoding patch: {e.Message}");
        }
    }
}
