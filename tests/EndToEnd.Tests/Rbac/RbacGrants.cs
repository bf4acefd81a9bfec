using System.Text.Json.Nodes;

namespace K8sWebhookHandler.EndToEnd.Tests.Rbac;

/// <summary>
/// What the silos' ServiceAccount is granted, binding by binding: each of the chart's ClusterRoleBindings everywhere; each
/// RoleBinding in its namespace, the chart's own and those the handler wrote into the branch namespaces it made; each
/// to the chart's role it names. And how that compares with what the handler needed.
/// </summary>
public static class RbacGrants
{
    /// <summary>The grants to the silos' ServiceAccount of <paramref name="chart"/> and of the RoleBindings <paramref name="written"/> by the handler.</summary>
    public static IReadOnlySet<RbacPermission> Of(RenderedChart chart, IEnumerable<JsonObject> written, string releaseNamespace)
    {
        var silo = chart.OfKind("Deployment").Single(d => Text(d["metadata"]!["name"]).EndsWith("-silo", StringComparison.Ordinal));
        var account = Text(silo["spec"]!["template"]!["spec"]!["serviceAccountName"]);
        return chart.OfKind("ClusterRoleBinding", "RoleBinding").Concat(written)
            .Where(b => b["subjects"]!.AsArray().Any(s => Text(s!["kind"]) == "ServiceAccount" && Text(s["name"]) == account && Text(s["namespace"]) == releaseNamespace))
            .SelectMany(b => Granted(chart, b))
            .ToHashSet();
    }

    /// <summary>
    /// What the handler needed that no grant covers, and grants it did not need: a grant in a namespace is needed by a
    /// request in that namespace; a cluster-wide grant by a request that no grant in the request's namespace covers.
    /// </summary>
    public static (IReadOnlyList<string> Missing, IReadOnlyList<string> Unused) Compare(IReadOnlySet<RbacPermission> granted, IEnumerable<RbacPermission> needed)
    {
        var needs = needed.ToHashSet();
        bool InItsNamespace(RbacPermission n) => n.Namespace != RbacPermission.Cluster && granted.Contains(n);
        var missing = needs.Where(n => !InItsNamespace(n) && !granted.Contains(n with { Namespace = RbacPermission.Cluster }));
        var unused = granted.Where(g => g.Namespace == RbacPermission.Cluster
            ? !needs.Any(n => n with { Namespace = RbacPermission.Cluster } == g && !InItsNamespace(n))
            : !needs.Contains(g));
        return (Sorted(missing), Sorted(unused));
    }

    private static IEnumerable<RbacPermission> Granted(RenderedChart chart, JsonObject binding)
    {
        var scope = Text(binding["kind"]) == "ClusterRoleBinding" ? RbacPermission.Cluster : Text(binding["metadata"]!["namespace"]);
        var (kind, name) = (Text(binding["roleRef"]!["kind"]), Text(binding["roleRef"]!["name"]));
        var role = chart.OfKind(kind).SingleOrDefault(r => Text(r["metadata"]!["name"]) == name && (kind == "ClusterRole" || Text(r["metadata"]!["namespace"]) == scope))
            ?? throw new InvalidOperationException($"{binding["kind"]} {scope}/{binding["metadata"]!["name"]} binds {kind} {name}, which the chart does not make");
        return RbacPermission.GrantedBy(role, scope);
    }

    private static List<string> Sorted(IEnumerable<RbacPermission> permissions) => permissions.Select(p => p.ToString()).Order(StringComparer.Ordinal).ToList();

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";
}
