using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;

namespace K8sWebhookHandler.EndToEnd.Tests.Rbac;

/// <summary>
/// One thing a Role or ClusterRole grants: an RBAC verb on a resource of an API group, in one namespace
/// (<see cref="Namespace"/>) or, for a ClusterRole bound cluster-wide, everywhere (<see cref="Cluster"/>); on the objects
/// of one name only when <see cref="Name"/> is set (a rule's <c>resourceNames</c>, as the <c>bind</c> of a ClusterRole).
/// </summary>
public sealed record RbacPermission(string Verb, string Group, string Resource, string Namespace, string Name = "")
{
    /// <summary>The scope of a ClusterRole's grants, and of requests no Role in one namespace can cover.</summary>
    public const string Cluster = "(cluster)";

    private const string RbacGroup = "rbac.authorization.k8s.io";

    public override string ToString() =>
        $"{Verb} {(Group.Length == 0 ? Resource : $"{Resource}.{Group}")}{(Name.Length == 0 ? "" : "/" + Name)} in {Namespace}";

    /// <summary>
    /// The permissions a request needs, as the API server's authorizer sees it: one verb, and for a server-side apply
    /// that made the object (201) also <c>create</c>, which the API server checks then. None for a non-resource path
    /// (<c>/version</c>, discovery under <c>/api</c> and <c>/apis</c>), which every authenticated user may read.
    /// The scope is the request's namespace, or <see cref="Cluster"/> for a cluster-scoped resource.
    /// </summary>
    public static IEnumerable<RbacPermission> NeededBy(RecordedRequest request) =>
        NeededBy(request.Method, request.Path, request.QueryValue("watch") is "true" or "1", request.StatusCode).Concat(BindNeededBy(request));

    /// <summary>
    /// A RoleBinding written to a ClusterRole also needs <c>bind</c> on that ClusterRole, which the API server checks (in
    /// the RoleBinding's namespace) unless the writer holds every right the role grants.
    /// </summary>
    public static IEnumerable<RbacPermission> BindNeededBy(RecordedRequest request)
    {
        var located = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (request.Method is not ("POST" or "PATCH" or "PUT") || request.StatusCode is < 200 or > 299
            || located is not ["apis", RbacGroup, _, "namespaces", var ns, "rolebindings", ..]
            || JsonNode.Parse(request.Body)?["roleRef"] is not { } roleRef || roleRef["kind"]?.GetValue<string>() != "ClusterRole")
        {
            return [];
        }

        return [new RbacPermission("bind", RbacGroup, "clusterroles", ns, roleRef["name"]!.GetValue<string>())];
    }

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

    /// <summary>What a Role or ClusterRole grants where it is bound: in <paramref name="scope"/>, a namespace or <see cref="Cluster"/>.</summary>
    public static IEnumerable<RbacPermission> GrantedBy(JsonObject role, string scope) =>
        from rule in role["rules"]!.AsArray()
        from verb in Strings(rule!["verbs"])
        from grp in Strings(rule["apiGroups"])
        from resource in Strings(rule["resources"])
        from name in rule["resourceNames"] is null ? [""] : Strings(rule["resourceNames"])
        select new RbacPermission(verb, grp, resource, scope, name);

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
