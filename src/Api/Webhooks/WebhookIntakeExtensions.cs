using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8sWebhookHandler.Api.Webhooks;

public static class WebhookIntakeExtensions
{
    /// <summary>
    /// Binds and validates <see cref="WebhookOptions"/>, with the Go handler's <c>WEBHOOK_SECRET</c> added to the secrets
    /// and the development secrets retired once a real one is set.
    /// </summary>
    public static IServiceCollection AddWebhookOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section, options =>
            options.PostConfigure<IConfiguration>((webhooks, configuration) =>
            {
                if (configuration["WEBHOOK_SECRET"] is { Length: > 0 } secret && !webhooks.WebhookSecrets.Contains(secret))
                {
                    webhooks.WebhookSecrets.Add(secret);
                }

                RetireDevelopmentSecrets(webhooks);
            }));

    /// <summary>
    /// Signature checks, intake (recording into <see cref="HandlerMetrics"/>), the development-secret warning, and Kestrel's per-connection request buffer
    /// capped at <see cref="SpooledBody.MemoryBytes"/>: a slow reader (hashing, spooling) would otherwise let every
    /// connection fill 1 MB of pinned, pooled memory that stays with the process long after the requests.
    /// </summary>
    public static IServiceCollection AddWebhookIntake(this IServiceCollection services)
    {
        services.AddWebhookOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SignatureVerifier>();
        services.AddHandlerMetrics();
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton<HookLearner>();
        services.AddHostedService<DevelopmentSecretWarning>();
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBufferSize = SpooledBody.MemoryBytes);
        services.Configure<SocketTransportOptions>(sockets => sockets.MaxReadBufferSize = SpooledBody.MemoryBytes);
        return services;
    }

    /// <summary>
    /// Empty and repeated secrets are dropped. The development secrets are public: one may sign only while no other
    /// secret is configured. A real secret removes them; without one, <see cref="WebhookOptions.DevelopmentWebhookSecret"/>
    /// (if set) is the secret.
    /// </summary>
    private static void RetireDevelopmentSecrets(WebhookOptions options)
    {
        // Each secret once: every listed secret costs an HMAC of every delivery.
        options.WebhookSecrets = options.WebhookSecrets.Where(secret => secret.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (options.WebhookSecrets.Exists(secret => !options.IsDevelopmentSecret(secret)))
        {
            options.WebhookSecrets.RemoveAll(options.IsDevelopmentSecret);
        }
        else if (options.WebhookSecrets.Count == 0 && options.DevelopmentWebhookSecret is { Length: > 0 } development)
        {
            options.WebhookSecrets.Add(development);
        }
    }
}
