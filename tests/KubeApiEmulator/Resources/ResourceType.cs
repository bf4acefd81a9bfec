namespace K8sWebhookHandler.KubeApiEmulator.Resources;

/// <summary>How the API server validates <c>metadata.name</c> for a kind.</summary>
public enum NameRule
{
    /// <summary>DNS-1123 subdomain: most kinds.</summary>
    Dns1123Subdomain,

    /// <summary>DNS-1123 label: namespaces.</summary>
    Dns1123Label,

    /// <summary>DNS-1035 label: services.</summary>
    Dns1035Label,

    /// <summary>Any path segment (no '/', '%', '.' or '..'): RBAC kinds.</summary>
    PathSegment,
}

/// <summary>One resource the emulator serves, as discovery describes it.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    NameRule NameRule = NameRule.Dns1123Subdomain,
    bool BuiltIn = false)
{
    /// <summary>The verbs every emulated resource supports.</summary>
    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public string Singular => Kind.ToLowerInvariant();

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>Plural qualified by group, as error messages name a resource: <c>workflows.argoproj.io</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Kind qualified by group, as validation messages name a kind: <c>Workflow.argoproj.io</c>.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public IReadOnlyList<string> Verbs => Kind == "Namespace"
        ? AllVerbs.Where(v => v != "deletecollection").ToArray()
        : AllVerbs;
}
