using System.Collections.Concurrent;

namespace K8sWebhookHandler.KubeApiEmulator.Resources;

/// <summary>The kinds the emulator serves: the built-in set plus whatever a test registers.</summary>
public sealed class ResourceCatalog
{
    private readonly ConcurrentDictionary<(string Group, string Version, string Plural), ResourceType> _types = new();

    public ResourceCatalog()
    {
        foreach (var type in BuiltIn())
        {
            Register(type);
        }
    }

    public void Register(ResourceType type) => _types[(type.Group, type.Version, type.Plural)] = type;

    public ResourceType? Find(string group, string version, string plural) =>
        _types.GetValueOrDefault((group, version, plural));

    public ResourceType Namespaces => _types[("", "v1", "namespaces")];

    public IReadOnlyList<ResourceType> All => _types.Values.OrderBy(t => t.Group).ThenBy(t => t.Plural).ToArray();

    public IReadOnlyList<ResourceType> InGroupVersion(string group, string version) =>
        All.Where(t => t.Group == group && t.Version == version).ToArray();

    /// <summary>Group names with their versions, in a stable order (the core group excluded).</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups() =>
        All.Where(t => t.Group.Length > 0)
            .GroupBy(t => t.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(t => t.Version).Distinct().ToArray()))
            .ToArray();

    private static IEnumerable<ResourceType> BuiltIn()
    {
        const string rbac = "rbac.authorization.k8s.io";
        const string argo = "argoproj.io";
        yield return new("", "v1", "Namespace", "namespaces", false, ["ns"], NameRule.Dns1123Label, true);
        yield return new("", "v1", "ConfigMap", "configmaps", true, ["cm"], BuiltIn: true);
        yield return new("", "v1", "Secret", "secrets", true, [], BuiltIn: true);
        yield return new("", "v1", "ServiceAccount", "serviceaccounts", true, ["sa"], BuiltIn: true);
        yield return new("", "v1", "Service", "services", true, ["svc"], NameRule.Dns1035Label, true);
        yield return new("", "v1", "Event", "events", true, ["ev"], BuiltIn: true);
        yield return new("", "v1", "Pod", "pods", true, ["po"], BuiltIn: true);
        yield return new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"], BuiltIn: true);
        yield return new("", "v1", "ResourceQuota", "resourcequotas", true, ["quota"], BuiltIn: true);
        yield return new("apps", "v1", "Deployment", "deployments", true, ["deploy"], BuiltIn: true);
        yield return new("apps", "v1", "StatefulSet", "statefulsets", true, ["sts"], BuiltIn: true);
        yield return new(rbac, "v1", "Role", "roles", true, [], NameRule.PathSegment, true);
        yield return new(rbac, "v1", "RoleBinding", "rolebindings", true, [], NameRule.PathSegment, true);
        yield return new(rbac, "v1", "ClusterRole", "clusterroles", false, [], NameRule.PathSegment, true);
        yield return new(rbac, "v1", "ClusterRoleBinding", "clusterrolebindings", false, [], NameRule.PathSegment, true);
        yield return new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, ["pdb"], BuiltIn: true);
        yield return new("", "v1", "LimitRange", "limitranges", true, ["limits"], BuiltIn: true);
        yield return new("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["ing"], BuiltIn: true);
        yield return new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, ["netpol"], BuiltIn: true);
        yield return new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false, [], BuiltIn: true);
        yield return new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", false, [], BuiltIn: true);
        yield return new(argo, "v1alpha1", "Workflow", "workflows", true, ["wf"]);
        yield return new(argo, "v1alpha1", "WorkflowTemplate", "workflowtemplates", true, ["wftmpl"]);
        yield return new(argo, "v1alpha1", "CronWorkflow", "cronworkflows", true, ["cwf", "cronwf"]);
        yield return new(argo, "v1alpha1", "ClusterWorkflowTemplate", "clusterworkflowtemplates", false, ["clusterwftmpl", "cwft"]);
        yield return new(argo, "v1alpha1", "WorkflowEventBinding", "workfloweventbindings", true, ["wfeb"]);
    }
}
