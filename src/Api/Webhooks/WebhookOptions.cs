namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// How webhooks are received: the secrets that may sign them, whether unsigned ones are accepted, the legacy SHA-1
/// signature and the largest body. Keys are flat under <c>Handler</c>, with the Go handler's <c>WEBHOOK_SECRET</c>.
/// Validated by <see cref="WebhookOptionsValidator"/>: the process refuses to start without a secret unless insecure
/// mode is asked for by name.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler";

    /// <summary>The secret appsettings.Development.json has always shipped: public, so never accepted beside a real one.</summary>
    public const string PublicDevelopmentSecret = "local-development-secret";

    /// <summary><c>Handler:Insecure</c>: accept unsigned webhooks. Must be asked for by name; never in production. Default off.</summary>
    public bool Insecure { get; set; }

    /// <summary><c>Handler:WebhookSecrets</c>: webhook secrets; any one may sign (rotation). <c>WEBHOOK_SECRET</c> adds one.</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>
    /// <c>Handler:DevelopmentWebhookSecret</c>: a secret for local runs only (appsettings.Development.json sets
    /// <see cref="PublicDevelopmentSecret"/>). It is used only when no other secret is configured: setting a real one
    /// (<c>WEBHOOK_SECRET</c>, <see cref="WebhookSecrets"/>) retires it, and the public one with it. A warning is logged
    /// at start-up while it is in use.
    /// </summary>
    public string? DevelopmentWebhookSecret { get; set; }

    /// <summary><c>Handler:AllowSha1Signature</c>: also accept the legacy SHA-1 <c>X-Hub-Signature</c> when no SHA-256 signature is sent. Default off.</summary>
    public bool AllowSha1Signature { get; set; }

    /// <summary><c>Handler:MaxBodyBytes</c>: largest webhook body accepted, in bytes. Default 25 MB, GitHub's own cap on payloads.</summary>
    public long MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Whether <paramref name="secret"/> is public: <see cref="PublicDevelopmentSecret"/> or <see cref="DevelopmentWebhookSecret"/>.</summary>
    public bool IsDevelopmentSecret(string secret) => secret == PublicDevelopmentSecret || secret == DevelopmentWebhookSecret;

    /// <summary>Whether every secret that can sign is a development one (after post-configuration).</summary>
    public bool UsesDevelopmentWebhookSecret => WebhookSecrets.Count > 0 && WebhookSecrets.All(IsDevelopmentSecret);
}
