namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>What happens to older workflows of a branch when a newer revision of it is applied.</summary>
public enum SupersedeMode
{
    /// <summary>Argo: <c>spec.shutdown: Stop</c>; exit handlers still run and can report.</summary>
    Stop,

    /// <summary>Argo: <c>spec.shutdown: Terminate</c>; exit handlers are skipped.</summary>
    Terminate,

    /// <summary>Delete the older objects.</summary>
    Delete,

    /// <summary>Leave them alone.</summary>
    None,
}

/// <summary>
/// <c>Handler:Supersede</c>: coalescing of queued pushes and cancelling of running workflows. Validated by
/// <see cref="SupersedeOptionsValidator"/>.
/// </summary>
public sealed class SupersedeOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler:Supersede";

    /// <summary>
    /// <c>Handler:Supersede:Mode</c>, for Argo Workflows; a manifest overrides it with the annotation
    /// <c>k8s-webhook-handler.io/supersede</c>. Default <see cref="SupersedeMode.Stop"/>.
    /// </summary>
    public SupersedeMode Mode { get; set; } = SupersedeMode.Stop;

    /// <summary><c>Handler:Supersede:OtherKinds</c>, for every other kind: <see cref="SupersedeMode.None"/> (the default) or <see cref="SupersedeMode.Delete"/>.</summary>
    public SupersedeMode OtherKinds { get; set; } = SupersedeMode.None;

    /// <summary>
    /// <c>Handler:Supersede:Refs</c>: refs that supersede, a regular expression over the full ref; by default
    /// <see cref="DefaultRefs"/>, branches and pull requests. A pull request takes part under its <c>refs/pull/N/head</c>
    /// (also with <c>Handler:PullRequests:Checkout=Merge</c>). Tags are never superseded.
    /// </summary>
    public string Refs { get; set; } = DefaultRefs;

    /// <summary>Branches (<c>refs/heads/…</c>) and pull requests (<c>refs/pull/N/head</c>).</summary>
    public const string DefaultRefs = "^refs/(heads|pull)/";
}
