namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// How the handler talks to GitHub's REST API (<c>Handler:GitHub</c>): where the API is, and as whom. Either a token
/// (<see cref="Token"/>, or <c>Handler:GitHubToken</c> / <c>GITHUB_TOKEN</c> as before) or a GitHub App
/// (<see cref="AppId"/> and its private key), whose installation tokens are asked for per installation. Validated by
/// <see cref="GitHubOptionsValidator"/>.
/// </summary>
public sealed class GitHubOptions
{
    public const string Section = "Handler:GitHub";

    /// <summary>GitHub's own API.</summary>
    public const string DefaultApiUrl = "https://api.github.com";

    /// <summary>
    /// <c>Handler:GitHub:ApiUrl</c>: the REST API, <c>https://api.github.com</c> (the default) or GitHub Enterprise
    /// Server's <c>https://HOST/api/v3</c>. The operator's explicit choice: credentials are sent to it as configured,
    /// plain HTTP included, and to no other host.
    /// </summary>
    public string ApiUrl { get; set; } = DefaultApiUrl;

    /// <summary>
    /// <c>Handler:GitHub:Token</c>: a token for the API (a fine-grained or classic personal access token). Unset, the
    /// git token (<c>Handler:GitHubToken</c>, else <c>GITHUB_TOKEN</c>) is used. Ignored when an App is configured.
    /// </summary>
    public string? Token { get; set; }

    /// <summary><c>Handler:GitHub:AppId</c>: the GitHub App's id; with it, the handler authenticates as the App.</summary>
    public long? AppId { get; set; }

    /// <summary><c>Handler:GitHub:PrivateKeyFile</c>: the App's private key, a PEM file as GitHub issues it.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary><c>Handler:GitHub:PrivateKey</c>: the App's private key as PEM text, e.g. from a Kubernetes secret.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>
    /// <c>Handler:GitHub:WorkflowUrl</c>: the link a status or check run carries, a template with <c>{namespace}</c> and
    /// <c>{name}</c>, e.g. the Argo UI's <c>https://argo.example.com/workflows/{namespace}/{name}</c>. Unset, none.
    /// </summary>
    public string? WorkflowUrl { get; set; }

    /// <summary>
    /// <c>Handler:GitHub:RequestTimeout</c>: how long one request to the API (an installation token, say) may take; a
    /// request that takes longer fails as transient and is retried. Default 10 s, at most 5 minutes.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether the handler authenticates as a GitHub App rather than with a token.</summary>
    public bool IsApp => AppId is not null;
}
