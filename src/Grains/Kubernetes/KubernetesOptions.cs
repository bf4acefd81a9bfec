using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// How manifests are applied: where objects go and which kinds and namespaces they may use, whether this is a dry run,
/// and the API client's settings. Keys are flat under <c>Handler</c> (<c>Handler:Namespace</c>, ...), with
/// <c>Handler:BranchNamespaces:Template</c>. Validated by <see cref="KubernetesOptionsValidator"/>.
/// </summary>
public sealed class KubernetesOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler";

    /// <summary>The kinds allowed when <see cref="AllowedKinds"/> is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedKinds = ["argoproj.io/Workflow"];

    /// <summary><c>Handler:Namespace</c>: namespace an object without one is created in. Default <c>ci</c>, as the Go handler did.</summary>
    public string Namespace { get; set; } = "ci";

    /// <summary>
    /// <c>Handler:AllowedKinds</c>: kinds a manifest may create, as <c>group/Kind</c> (<c>v1/ConfigMap</c> for the core
    /// group). Empty means <see cref="DefaultAllowedKinds"/>; setting it replaces the default.
    /// </summary>
    public List<string> AllowedKinds { get; set; } = [];

    /// <summary><c>Handler:AllowedNamespaces</c>: namespaces besides <see cref="Namespace"/> that a manifest may name.</summary>
    public List<string> AllowedNamespaces { get; set; } = [];

    /// <summary><c>Handler:AllowClusterScoped</c>: whether cluster-scoped kinds (that are also in <see cref="AllowedKinds"/>) may be created.</summary>
    public bool AllowClusterScoped { get; set; }

    /// <summary>
    /// <c>Handler:DryRun</c>: write stamped manifests to <c>DataDirectory/dry-run</c> instead of applying them. Null: on
    /// when no Kubernetes configuration is found (no kubeconfig, not in a cluster).
    /// </summary>
    public bool? DryRun { get; set; }

    /// <summary><c>Handler:KubernetesRequestTimeout</c>: how long one API request may take; a timeout is retried like any transient failure. Default 10 s.</summary>
    public TimeSpan KubernetesRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Handler:FieldManager</c>: field manager for server-side apply. Default <c>k8s-webhook-handler</c>.</summary>
    public string FieldManager { get; set; } = "k8s-webhook-handler";

    /// <summary><c>Handler:BranchNamespaces</c>: one namespace per branch (opt-in).</summary>
    public BranchNamespaceOptions BranchNamespaces { get; set; } = new();

    /// <summary>Where a manifest's objects may go, as the pipeline's planner and the processor check it.</summary>
    public ObjectPlacement Placement() => new(Namespace, [.. AllowedKinds], [.. AllowedNamespaces], AllowClusterScoped, BranchNamespaces.Template);

    /// <summary>Fills in what binding leaves unset and has a default that is not a constant: the allowed kinds.</summary>
    public KubernetesOptions WithDefaults()
    {
        if (AllowedKinds.Count == 0)
        {
            AllowedKinds.AddRange(DefaultAllowedKinds);
        }

        return this;
    }
}

/// <summary>
/// <c>Handler:BranchNamespaces</c>: one namespace per branch, opt-in. The handler creates the namespace on the
/// first push (labelled as its own) and deletes it when the branch is deleted, and only if it created it.
/// </summary>
public sealed class BranchNamespaceOptions
{
    /// <summary>For example <c>ci-{branch}</c>; unset means off. The result is made a valid namespace name.</summary>
    public string? Template { get; set; }

    /// <summary>
    /// YAML documents every branch namespace the handler makes gets, with <c>{namespace}</c> standing for its name: the
    /// workflow ServiceAccount and the RoleBindings the handler and Argo's executor need there. Kinds, size and namespace
    /// are limited (<see cref="BranchNamespaceObjects"/>). Unset: none.
    /// </summary>
    public string? Objects { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Template);
}
