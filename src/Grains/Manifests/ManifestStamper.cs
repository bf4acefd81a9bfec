using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// Stamps each object with the event's facts: the eight <c>k8s-webhook-handler.io/*</c> annotations (and a pull
/// request's or a dispatch's own, <see cref="Annotations"/>) merged into the user's own, the handler's labels
/// (<see cref="Labels"/>), and for a <c>generateName</c> object a name derived from the delivery and revision, so that
/// a retried create finds the object it made the first time.
/// </summary>
public static class ManifestStamper
{
    private const int MaxNameLength = 63;
    private const int NameSuffixLength = 10;

    /// <param name="objects">The manifest's objects; they are copied, not changed.</param>
    /// <param name="webhookEvent">The delivery being handled.</param>
    /// <param name="revision">The commit the manifest was read at.</param>
    public static IReadOnlyList<JsonObject> Stamp(IReadOnlyList<JsonObject> objects, WebhookEvent webhookEvent, string revision)
    {
        var stamped = new List<JsonObject>(objects.Count);
        for (var index = 0; index < objects.Count; index++)
        {
            var obj = (JsonObject)objects[index].DeepClone();
            var kind = ManifestFields.StringOrNull(obj["kind"]) ?? "object";
            var metadata = Map(obj, "metadata", "metadata", kind);
            Merge(Map(metadata, "annotations", "metadata.annotations", kind), Annotations(webhookEvent, revision));
            Merge(Map(metadata, "labels", "metadata.labels", kind), Labels(webhookEvent, revision));
            var name = ManifestFields.OptionalString(metadata, "name", "metadata.name", kind);
            var generateName = ManifestFields.OptionalString(metadata, "generateName", "metadata.generateName", kind);
            if (name is null && generateName is { Length: > 0 })
            {
                metadata["name"] = DeterministicName(generateName, webhookEvent, revision, index);
            }

            stamped.Add(obj);
        }

        return stamped;
    }

    /// <summary>
    /// The eight annotations of every delivery; a pull request's adds <c>pr_number</c>, <c>pr_base_ref</c>,
    /// <c>pr_head_ref</c> and <c>pr_head_repo</c>, a <c>repository_dispatch</c> its <c>client_payload</c>
    /// (<c>{}</c> when the payload had none).
    /// </summary>
    public static Dictionary<string, string> Annotations(WebhookEvent e, string revision)
    {
        var annotations = new Dictionary<string, string>
        {
            [StampKeys.Ref] = e.Ref.Value,
            [StampKeys.Revision] = revision,
            [StampKeys.Before] = e.Before,
            [StampKeys.RepoName] = e.Repository.FullName,
            [StampKeys.RepoUrl] = e.Repository.GitUrl,
            [StampKeys.RepoSsh] = e.Repository.SshUrl,
            [StampKeys.EventType] = e.EventType.Name,
            [StampKeys.EventAction] = e.Action,
        };
        foreach (var (key, value) in PullRequestFacts(e))
        {
            annotations[key] = value;
        }

        if (e.Kind == EventKind.RepositoryDispatch)
        {
            annotations[StampKeys.ClientPayload] = e.ClientPayload ?? "{}";
        }

        return annotations;
    }

    /// <summary>
    /// The labels of every delivery (<see cref="HandlerLabels.ForObject"/>), and a pull request's facts whose values are
    /// valid label values as they are: never a sanitised look-alike of a branch name.
    /// </summary>
    public static Dictionary<string, string> Labels(WebhookEvent e, string revision)
    {
        var labels = HandlerLabels.ForObject(e, revision);
        foreach (var (key, value) in PullRequestFacts(e).Where(f => f.Value.Length > 0 && LabelValues.IsValid(f.Value)))
        {
            labels[key] = value;
        }

        return labels;
    }

    private static IEnumerable<KeyValuePair<string, string>> PullRequestFacts(WebhookEvent e) =>
        e is { Kind: EventKind.PullRequest, PullRequest: { } pr }
            ?
            [
                new(StampKeys.PrNumber, pr.Number.ToString(CultureInfo.InvariantCulture)),
                new(StampKeys.PrBaseRef, pr.BaseRef),
                new(StampKeys.PrHeadRef, pr.HeadRef),
                new(StampKeys.PrHeadRepo, pr.HeadRepository),
            ]
            : [];

    /// <summary>
    /// The generateName prefix (shortened to fit) and ten characters hashed from delivery, revision and the
    /// object's position in the manifest: the same delivery always names the same object, and an operator's
    /// re-run of it (<see cref="WebhookEvent.Rerun"/>) names new ones.
    /// </summary>
    public static string DeterministicName(string generateName, WebhookEvent e, string revision, int index)
    {
        var prefix = generateName.Length > MaxNameLength - NameSuffixLength
            ? generateName[..(MaxNameLength - NameSuffixLength)]
            : generateName;
        var rerun = e.Rerun == 0 ? "" : $"/rerun-{e.Rerun}";
        return prefix + LabelValues.Hash($"{e.Delivery.Value}/{revision}/{index}{rerun}", NameSuffixLength);
    }

    /// <summary>The mapping at <paramref name="name"/>, made when absent; a value of another type is refused, not replaced.</summary>
    private static JsonObject Map(JsonObject parent, string name, string path, string kind)
    {
        if (ManifestFields.OptionalMap(parent, name, path, kind) is { } existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    private static void Merge(JsonObject target, Dictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            target[key] = value;
        }
    }
}
