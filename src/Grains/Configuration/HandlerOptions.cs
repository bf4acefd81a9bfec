using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>Which of the payload's repository URLs the git mirror fetches from.</summary>
public enum CloneUrlSource
{
    /// <summary><c>repository.clone_url</c> (HTTPS on GitHub).</summary>
    CloneUrl,

    /// <summary><c>repository.git_url</c> (<c>git://</c>).</summary>
    GitUrl,

    /// <summary><c>repository.ssh_url</c>.</summary>
    SshUrl,
}

/// <summary>
/// Settings under the <c>Handler</c> configuration section (appsettings, <c>Handler__X</c> environment variables,
/// <c>--Handler:X=</c> arguments). Validated at start-up by <see cref="HandlerOptionsValidator"/>.
/// </summary>
public sealed class HandlerOptions
{
    public const string Section = "Handler";

    /// <summary>Namespace an object without one is created in. Default <c>ci</c>, as the Go handler did.</summary>
    public string Namespace { get; set; } = "ci";

    /// <summary>Path of the manifest inside the repository.</summary>
    public string ManifestPath { get; set; } = ".ci/workflow.yaml";

    /// <summary>Where grain state, the git mirrors and dry-run output live in local mode.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The kinds allowed when <see cref="AllowedKinds"/> is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedKinds = ["argoproj.io/Workflow"];

    /// <summary>
    /// Kinds a manifest may create, as <c>group/Kind</c> (<c>v1/ConfigMap</c> for the core group). Empty means
    /// <see cref="DefaultAllowedKinds"/>; setting it replaces the default.
    /// </summary>
    public List<string> AllowedKinds { get; set; } = [];

    /// <summary>Where a manifest's objects may go, as the pipeline's planner and the processor check it.</summary>
    public ObjectPlacement Placement() => new(Namespace, [.. AllowedKinds], [.. AllowedNamespaces], AllowClusterScoped, BranchNamespaces.Template);

    /// <summary>Fills in what binding leaves unset and has a default that is not a constant: the allowed kinds.</summary>
    public HandlerOptions WithDefaults()
    {
        if (AllowedKinds.Count == 0)
        {
            AllowedKinds.AddRange(DefaultAllowedKinds);
        }

        return this;
    }

    /// <summary>Namespaces besides <see cref="Namespace"/> that a manifest may name.</summary>
    public List<string> AllowedNamespaces { get; set; } = [];

    /// <summary>Whether cluster-scoped kinds (that are also in <see cref="AllowedKinds"/>) may be created.</summary>
    public bool AllowClusterScoped { get; set; }

    /// <summary>
    /// Write stamped manifests to <c>DataDirectory/dry-run</c> instead of applying them. Null: on when no
    /// Kubernetes configuration is found (no kubeconfig, not in a cluster).
    /// </summary>
    public bool? DryRun { get; set; }

    /// <summary>Accept unsigned webhooks. Must be asked for by name; never in production.</summary>
    public bool Insecure { get; set; }

    /// <summary>Webhook secrets; any one may sign (rotation). <c>WEBHOOK_SECRET</c> adds one.</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>The secret appsettings.Development.json has always shipped: public, so never accepted beside a real one.</summary>
    public const string PublicDevelopmentSecret = "local-development-secret";

    /// <summary>
    /// A secret for local runs only (appsettings.Development.json sets <see cref="PublicDevelopmentSecret"/>). It is
    /// used only when no other secret is configured: setting a real one (<c>WEBHOOK_SECRET</c>,
    /// <see cref="WebhookSecrets"/>) retires it, and the public one with it. A warning is logged at start-up while
    /// it is in use.
    /// </summary>
    public string? DevelopmentWebhookSecret { get; set; }

    /// <summary>Whether <paramref name="secret"/> is public: <see cref="PublicDevelopmentSecret"/> or <see cref="DevelopmentWebhookSecret"/>.</summary>
    public bool IsDevelopmentSecret(string secret) => secret == PublicDevelopmentSecret || secret == DevelopmentWebhookSecret;

    /// <summary>Whether every secret that can sign is a development one (after post-configuration).</summary>
    public bool UsesDevelopmentWebhookSecret => WebhookSecrets.Count > 0 && WebhookSecrets.All(IsDevelopmentSecret);

    /// <summary>Also accept the legacy SHA-1 <c>X-Hub-Signature</c> when no SHA-256 signature is sent.</summary>
    public bool AllowSha1Signature { get; set; }

    /// <summary>
    /// Refs matching this regular expression (searched in the full ref, e.g. <c>refs/heads/x</c>) are answered
    /// <c>ignored</c> and recorded <c>ignored-ref</c> on arrival, never fetched or applied (the Go handler's <c>-ignore</c>).
    /// </summary>
    public string? IgnoreRefs { get; set; }

    /// <summary>Largest webhook body accepted, in bytes. GitHub caps payloads at 25 MB.</summary>
    public long MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Which payload URL the git mirror fetches from.</summary>
    public CloneUrlSource CloneUrl { get; set; } = CloneUrlSource.CloneUrl;

    /// <summary>
    /// Rewrites of clone URL prefixes, e.g. <c>https://github.com/</c> to a mirror. <c>From</c> is compared with the
    /// payload's URL as text (case-sensitive) and must end at a path boundary; the first rule that matches wins.
    /// Applied before <see cref="GitOptions.AllowedRemotes"/> is checked: the policy holds for the URL actually fetched.
    /// </summary>
    public List<UrlRewrite> CloneUrlRewrites { get; set; } = [];

    /// <summary>Token for HTTPS fetches (<c>GITHUB_TOKEN</c> sets it); who may receive it: <see cref="GitOptions.CredentialHosts"/>.</summary>
    public string? GitHubToken { get; set; }

    /// <summary>Allowed remotes, credential hosts and fetch limits of the git mirror.</summary>
    public GitOptions Git { get; set; } = new();

    /// <summary>
    /// How long a delivery id is remembered for dedupe (inclusive; one tick later it is new again). GitHub lets users
    /// redeliver for 3 days.
    /// </summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Most delivery ids remembered per repository; each new id beyond it forgets the oldest.</summary>
    public int MaxRememberedDeliveries { get; set; } = 10_000;

    /// <summary>
    /// Delivery records kept per repository for inspection, trimmed when a delivery arrives: oldest first, failed ones
    /// last (a redelivery needs them), and never one still pending (so the count may exceed this until the next arrival).
    /// </summary>
    public int HistoryLimit { get; set; } = 200;

    /// <summary>
    /// How long a delivery that keeps failing transiently (git or the API server unreachable) is retried before
    /// it is recorded as <c>failed</c>. GitHub lets users redeliver for 3 days; an outage shorter than this loses
    /// nothing, and a redelivery or an operator's retry queues a failed delivery again.
    /// </summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>An optional cap on attempts besides <see cref="RetryFor"/>; unset means none.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// Refs remembered per repository (last applied revision, the last push received for replay detection);
    /// beyond it, deleted refs go first, then the least recently updated.
    /// </summary>
    public int MaxRefs { get; set; } = 1000;

    /// <summary>Wait before the first retry; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one Kubernetes API request may take; a timeout is retried like any transient failure.</summary>
    public TimeSpan KubernetesRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Field manager for server-side apply.</summary>
    public string FieldManager { get; set; } = "k8s-webhook-handler";

    /// <summary>Coalescing and cancelling of older work for a branch.</summary>
    public SupersedeOptions Supersede { get; set; } = new();

    /// <summary>One namespace per branch (opt-in).</summary>
    public BranchNamespaceOptions BranchNamespaces { get; set; } = new();

    /// <summary>Limits on manifests read from repositories.</summary>
    public ManifestLimits Manifest { get; set; } = new();
}

/// <summary>Replaces a URL prefix: <c>From</c> <c>https://github.com/</c>, <c>To</c> <c>https://ghe.example.com/</c>.</summary>
public sealed class UrlRewrite
{
    public string From { get; set; } = "";

    public string To { get; set; } = "";
}

/// <summary>What a repository's manifest may cost to read: hostile YAML is refused, not expanded.</summary>
public sealed class ManifestLimits
{
    /// <summary>Largest manifest file, in bytes.</summary>
    public int MaxBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Most nodes after alias expansion: a small alias bomb must not become a large document.</summary>
    public int MaxNodes { get; set; } = 100_000;

    /// <summary>Most objects in one manifest.</summary>
    public int MaxObjects { get; set; } = 50;
}
