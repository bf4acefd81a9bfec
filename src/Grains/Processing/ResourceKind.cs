namespace K8sWebhookHandler.Grains.Processing;

/// <summary>A kind as discovery describes it: where its objects live and whether they are namespaced.</summary>
public sealed record ResourceKind(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    /// <summary><c>group/Kind</c>, with <c>v1</c> standing for the core group, as <c>AllowedKinds</c> names kinds.</summary>
    public string PolicyName => (Group.Length == 0 ? "v1" : Group) + "/" + Kind;

    /// <summary><c>workflows.argoproj.io</c>, as RBAC rules and error messages name a resource.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Splits <c>apps/v1</c> into group and version; <c>v1</c> is the core group.</summary>
    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }
}

/// <summary>
/// Maps apiVersion and kind to a resource: the port planning asks. The Kubernetes adapter answers from the API
/// server's discovery documents, or offline for renders and dry runs.
/// </summary>
public interface IKindResolver
{
    /// <summary>The resource for a kind, or null when the cluster does not serve it.</summary>
    Task<ResourceKind?> ResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken);
}
