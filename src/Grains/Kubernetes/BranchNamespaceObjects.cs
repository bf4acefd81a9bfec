using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// <c>Handler:BranchNamespaces:Objects</c>: YAML documents, written by the operator, that every branch namespace the
/// handler makes gets (the workflow ServiceAccount, the RoleBindings Argo's executor and the handler need there).
/// <c>{namespace}</c> in the text stands for the namespace's name. Only kinds that give a namespace its identity, rights
/// and limits are accepted, each namespaced and named, and none may name another namespace: the handler's rights to
/// write them are cluster-wide, so what it writes is bounded here.
/// </summary>
public static class BranchNamespaceObjects
{
    /// <summary>The placeholder for the namespace's name.</summary>
    public const string Placeholder = "{namespace}";

    /// <summary>The largest text accepted, in bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The most objects accepted.</summary>
    public const int MaxObjects = 50;

    /// <summary>The kinds accepted, as <c>group/Kind</c> (<c>v1</c> for the core group).</summary>
    public static readonly IReadOnlyList<string> AllowedKinds =
    [
        "v1/ServiceAccount", "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/RoleBinding", "v1/ConfigMap",
        "v1/ResourceQuota", "v1/LimitRange", "networking.k8s.io/NetworkPolicy",
    ];

    private static readonly ManifestReader Reader = new(new ManifestOptions { MaxBytes = MaxBytes, MaxObjects = MaxObjects });

    /// <summary>
    /// The objects for namespace <paramref name="ns"/>, each with its <c>metadata.namespace</c> set; refuses
    /// (<see cref="DeliveryRefusedException"/>) text that <see cref="Problem"/> would refuse at start-up.
    /// </summary>
    public static IReadOnlyList<JsonObject> For(string? text, string ns)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var objects = Reader.Read(text.Replace(Placeholder, ns, StringComparison.Ordinal));
        for (var i = 0; i < objects.Count; i++)
        {
            if (ObjectProblem(objects[i], ns) is { } problem)
            {
                throw new DeliveryRefusedException($"document {i + 1}: {problem}");
            }

            objects[i]["metadata"]!["namespace"] = ns;
        }

        return objects;
    }

    /// <summary>What is wrong with <c>Handler:BranchNamespaces:Objects</c>, on one line, or null when it can be used.</summary>
    public static string? Problem(string? text)
    {
        try
        {
            For(text, "ci-example");
            return null;
        }
        catch (DeliveryRefusedException refused)
        {
            var line = string.Join(' ', refused.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
            return $"Handler:BranchNamespaces:Objects cannot be used: {line}. It holds YAML documents of kinds {string.Join(", ", AllowedKinds)} only, " +
                $"each with metadata.name, in no namespace but {Placeholder}, at most {MaxObjects} objects and {MaxBytes} bytes.";
        }
    }

    private static string? ObjectProblem(JsonObject item, string ns)
    {
        var apiVersion = ManifestFields.StringOrNull(item["apiVersion"]) ?? "";
        var kind = ManifestFields.StringOrNull(item["kind"]) ?? "";
        var (group, _) = ResourceKind.SplitApiVersion(apiVersion);
        var policyName = (group.Length == 0 ? "v1" : group) + "/" + kind;
        if (!AllowedKinds.Contains(policyName, StringComparer.Ordinal))
        {
            return $"{apiVersion} {kind} is not a kind a branch namespace may be given";
        }

        var metadata = item["metadata"] as JsonObject;
        if (ManifestFields.StringOrNull(metadata?["name"]) is not { Length: > 0 } name)
        {
            return $"the {kind} has no metadata.name (server-side apply needs a name; generateName is not used)";
        }

        var itsNamespace = ManifestFields.StringOrNull(metadata!["namespace"]);
        return itsNamespace is null || itsNamespace == ns
            ? null
            : $"{kind} {name} names namespace {itsNamespace}; leave metadata.namespace out or set it to {Placeholder}";
    }
}
