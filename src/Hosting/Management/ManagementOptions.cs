namespace K8sWebhookHandler.Hosting.Management;

/// <summary>
/// <c>Handler:Management</c>: where the management port listens (inspection API and page, metrics, the Orleans
/// dashboard) and the bearer tokens it asks for. Without tokens it may listen on loopback only.
/// </summary>
public sealed class ManagementOptions
{
    public const string Section = "Handler:Management";

    /// <summary>The default: loopback only, so a fresh local run needs no token.</summary>
    public const string DefaultUrls = "http://localhost:8081";

    /// <summary>The management listener's URLs, separated by <c>;</c> as in <c>ASPNETCORE_URLS</c>; each with its own port.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// Bearer tokens any one of which opens the management port (a secret; at least 16 characters each). When any is
    /// set, every management request needs one, also on loopback.
    /// </summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>
    /// Whether the Orleans dashboard runs (at <c>/dashboard/</c> of the management port; every silo and the Api must
    /// agree). Its grain call profiler sees every grain call: turn it off to save that cost.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>Whether management requests must carry one of <see cref="Tokens"/>.</summary>
    public bool RequiresToken => Tokens.Count > 0;

    /// <summary>The listener URLs, one per entry.</summary>
    public IReadOnlyList<string> UrlList => ListenerUrls.Split(Urls);
}
