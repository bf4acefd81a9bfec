namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// The annotation and label names the handler stamps. The eight annotations are a compatibility contract
/// with manifests written for the Go handler; the labels let the handler find its own objects again.
/// </summary>
public static class StampKeys
{
    public const string Prefix = "k8s-webhook-handler.io/";

    public const string Ref = Prefix + "ref";
    public const string Revision = Prefix + "revision";
    public const string Before = Prefix + "before";
    public const string RepoName = Prefix + "repo_name";
    public const string RepoUrl = Prefix + "repo_url";
    public const string RepoSsh = Prefix + "repo_ssh";
    public const string EventType = Prefix + "event_type";
    public const string EventAction = Prefix + "event_action";

    public const string RepositoryLabel = Prefix + "repository";
    public const string RefLabel = Prefix + "ref";
    public const string RevisionLabel = Prefix + "revision";
    public const string DeliveryLabel = Prefix + "delivery";
    public const string EventLabel = Prefix + "event";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "k8s-webhook-handler";

    /// <summary>Marks a namespace the handler made for a branch (value <c>true</c>).</summary>
    public const string OwnedNamespaceLabel = Prefix + "owned-namespace";
}
