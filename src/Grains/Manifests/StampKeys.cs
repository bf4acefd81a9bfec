namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// The annotation and label names the handler stamps. The eight annotations from <see cref="Ref"/> to
/// <see cref="EventAction"/> are a compatibility contract with manifests written for the Go handler and are stamped on
/// every object; the pull request's and the dispatch's are added for those events only. The labels let the handler
/// find its own objects again.
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

    /// <summary>A pull request's number; also a label.</summary>
    public const string PrNumber = Prefix + "pr_number";

    /// <summary>A pull request's base branch (short name); also a label when the name is a valid label value as it is.</summary>
    public const string PrBaseRef = Prefix + "pr_base_ref";

    /// <summary>A pull request's head branch in its head repository (short name); also a label when valid as it is.</summary>
    public const string PrHeadRef = Prefix + "pr_head_ref";

    /// <summary>A pull request's head repository (<c>owner/name</c>, empty for a deleted fork); never a label (it has a '/').</summary>
    public const string PrHeadRepo = Prefix + "pr_head_repo";

    /// <summary>A <c>repository_dispatch</c>'s <c>client_payload</c>, as compact JSON.</summary>
    public const string ClientPayload = Prefix + "client_payload";

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
