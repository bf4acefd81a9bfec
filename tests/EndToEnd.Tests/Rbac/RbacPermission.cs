using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;

namespace K8sWebhookHandler.EndToEnd.Tests.Rbac;

/// <summary>
/// One thing a Role or ClusterRole grants: an RBAC verb on a resource of an API group, in one namespace
/// (<see cref="Namespace"/>) or, for a ClusterRole, everywhere (<see cref="Cluster"/>).
/// </summary>
public sealed record RbacPermission(string Verb, string Group, string Resource, string Namespace)
{
    /// <summary>The scope of a ClusterRole's grants, and of requests no Role in one namespace can cover.</summary>
    public const string Cluster = "(cluster)";

    public override string ToString() => $"{Verb} {(Group.Length == 0 ? Resource : $"{Resource}.{Group}")} in {Namespace}";

    /// <summary>
    /// The permissions a request needs, as the API server's authorizer sees it: one verb, and for a server-side apply
    /// that made the object (201) also <c>create</c>, which the API server checks then. None for a non-resource path
    /// (<c>/version</c>, discovery under <c>/api</c> and <c>/apis</c>), which every authenticated user may read.
    /// The scope is the request's namespace, or <see cref="Cluster"/> for a cluster-scoped resource.
    /// </summary>
    public static IEnumerable<RbacPermission> NeededBy(RecordedRequest request) =>
        NeededBy(request.Method, request.Path, request.QueryValue("watch") is "true" or "1", request.StatusCode);

    /// <inheritdoc cref="NeededBy(RecordedRequest)"/>
    public static IEnumerable<RbacPermission> NeededBy(string method, string path, bool watch, int status)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (group, rest) = segments switch
        {
            ["api", _, .. var tail] => ("", tail),
            ["apis", var g, _, .. var tail] => (g, tail),
            _ => ("", Array.Empty<string>()),
        };
        if (rest.Length == 0)
        {
            yield break;
        }

        // namespaces/{ns}/{plural}[/{name}[/{subresource}]], or a cluster-scoped {plural}[/{name}[/{subresource}]].
        var (scope, located) = rest is ["namespaces", var ns, _, ..] ? (ns, rest[2..]) : (Cluster, rest);
        var resource = located.Length > 2 ? $"{located[0]}/{located[2]}" : located[0];
        var name = located.ElementAtOrDefault(1);
        yield return new RbacPermission(VerbOf(method, path, watch, name is not null), group, resource, scope);
        if (method == "PATCH" && status == 201)
        {
            yield return new RbacPermission("create", group, resource, scope);
        }
    }

    /// <summary>What a rendered Role (in its namespace) or ClusterRole (everywhere) grants.</summary>
    public static IEnumerable<RbacPermission> GrantedBy(JsonObject role)
    {
        var scope = role["kind"]!.GetValue<string>() == "ClusterRole" ? Cluster : role["metadata"]!["namespace"]!.GetValue<string>();
        return from rule in role["rules"]!.AsArray()
               from verb in Strings(rule!["verbs"])
               from grp in Strings(rule["apiGroups"])
               from resource in Strings(rule["resources"])
               select new RbacPermission(verb, grp, resource, scope);
    }

    /// <summary>
    /// The grants that cover <paramref name="needed"/> most narrowly, in the shape a chart gives them: a verb on a
    /// resource used only in <paramref name="workflowNamespace"/> belongs in a Role there, anything used elsewhere
    /// (branch namespaces, which are not known in advance) or cluster-scoped in a ClusterRole.
    /// </summary>
    public static IReadOnlySet<RbacPermission> LeastGrants(IEnumerable<RbacPermission> needed, string workflowNamespace) =>
        needed.GroupBy(p => (p.Verb, p.Group, p.Resource))
            .Select(g => new RbacPermission(g.Key.Verb, g.Key.Group, g.Key.Resource, g.All(p => p.Namespace == workflowNamespace) ? workflowNamespace : Cluster))
            .ToHashSet();

    private static string VerbOf(string method, string path, bool watch, bool named) => method switch
    {
        "GET" when watch => "watch",
        "GET" => named ? "get" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        _ => throw new InvalidOperationException($"{method} {path}: no RBAC verb is known for this method"),
    };

    private static IEnumerable<string> Strings(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<string>());
}
