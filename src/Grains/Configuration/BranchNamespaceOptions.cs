namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>
/// <c>Handler:BranchNamespaces</c>: one namespace per branch, opt-in. The handler creates the namespace on the
/// first push (labelled as its own) and deletes it when the branch is deleted, and only if it created it.
/// </summary>
public sealed class BranchNamespaceOptions
{
    /// <summary>For example <c>ci-{branch}</c>; unset means off. The result is made a valid namespace name.</summary>
    public string? Template { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Template);
}
