namespace K8sWebhookHandler.GitHubApiEmulator.State;

/// <summary>Where a webhook is configured: on a repository, or as a GitHub App's one hook.</summary>
public enum HookKind
{
    /// <summary>A repository webhook; its deliveries say <c>X-GitHub-Hook-Installation-Target-Type: repository</c>.</summary>
    Repository,

    /// <summary>A GitHub App's webhook; its deliveries say <c>X-GitHub-Hook-Installation-Target-Type: integration</c>.</summary>
    App,
}

/// <summary>
/// One webhook as configured now: its id (unique across every hook, as GitHub's), its repository (full name) or App,
/// and the URL and secret every delivery and redelivery uses.
/// </summary>
public sealed record HookRecord(long Id, HookKind Kind, string? Repository, long? AppId, Uri Url, string Secret)
{
    /// <summary>The value of <c>X-GitHub-Hook-Installation-Target-Type</c>.</summary>
    public string TargetType => Kind == HookKind.App ? "integration" : "repository";
}

/// <summary>
/// One attempt to deliver an event through a hook, as GitHub's delivery log keeps it: <see cref="StatusCode"/> is the
/// receiver's answer, or 0 when it could not be reached or did not answer within GitHub's 10 seconds; <see cref="Status"/>
/// is GitHub's wording of it (<c>OK</c>, <c>Invalid HTTP Response: 503</c>, <c>failed to connect to host</c>,
/// <c>timed out</c>). Every redelivery is an attempt of its own, with the original <see cref="Guid"/>.
/// </summary>
public sealed record HookAttempt(
    long Id,
    string Guid,
    long HookId,
    string Event,
    string? Action,
    long? InstallationId,
    long? RepositoryId,
    DateTimeOffset DeliveredAt,
    bool Redelivery,
    int StatusCode,
    string Status,
    TimeSpan Duration,
    string Payload)
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>Where the attempt was posted: the hook's URL at the time.</summary>
    public Uri? Url { get; init; }

    /// <summary>The headers sent, signature included, as the delivery's <c>request.headers</c> lists them.</summary>
    public IReadOnlyDictionary<string, string> RequestHeaders { get; init; } = None;

    /// <summary>The receiver's answer headers; empty when there was no answer.</summary>
    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = None;

    /// <summary>The receiver's answer body; null when there was no answer.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>Whether the receiver answered 2xx: what GitHub counts as delivered.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>One <c>POST …/deliveries/{delivery_id}/attempts</c> the emulator accepted: which hook, which delivery, its GUID.</summary>
public sealed record RedeliveryRequest(long HookId, long DeliveryId, string Guid);
