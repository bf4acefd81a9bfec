using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Where a manifest's objects may go, as the planner and the processor check it. Set from the Kubernetes options
/// (<c>Handler:Namespace</c>, <c>Handler:AllowedKinds</c>, <c>Handler:AllowedNamespaces</c>,
/// <c>Handler:AllowClusterScoped</c>, <c>Handler:BranchNamespaces:Template</c>), so that processing reads no adapter's
/// settings.
/// </summary>
/// <param name="Namespace">Where namespaced objects without a namespace go, unless a branch namespace is used.</param>
/// <param name="AllowedKinds">Kinds a manifest may create, as <c>group/Kind</c> (<c>v1/ConfigMap</c> for the core group).</param>
/// <param name="AllowedNamespaces">Namespaces besides the target one that a manifest may name.</param>
/// <param name="AllowClusterScoped">Whether cluster-scoped kinds (that are also allowed kinds) may be created.</param>
/// <param name="BranchNamespaceTemplate">For example <c>ci-{branch}</c>; null when branch namespaces are off.</param>
public sealed record ObjectPlacement(
    string Namespace,
    IReadOnlyList<string> AllowedKinds,
    IReadOnlyList<string> AllowedNamespaces,
    bool AllowClusterScoped,
    string? BranchNamespaceTemplate = null)
{
    /// <summary>The namespace made for the event's branch when branch namespaces are on; null otherwise (and for tags).</summary>
    public string? BranchNamespace(WebhookEvent e) =>
        !string.IsNullOrWhiteSpace(BranchNamespaceTemplate) && e.Ref.IsBranch
            ? BranchNamespaceName.For(BranchNamespaceTemplate, e.Ref.ShortName)
            : null;
}
