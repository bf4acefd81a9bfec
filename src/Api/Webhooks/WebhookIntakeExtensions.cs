using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace K8sWebhookHandler.Api.Webhooks;

public static class WebhookIntakeExtensions
{
    /// <summary>
    /// Signature checks, intake, the development-secret warning, and Kestrel's per-connection request buffer
    /// capped at <see cref="SpooledBody.MemoryBytes"/>: a slow reader (hashing, spooling) would otherwise let every
    /// connection fill 1 MB of pinned, pooled memory that stays with the process long after the requests.
    /// </summary>
    public static IServiceCollection AddWebhookIntake(this IServiceCollection services)
    {
        services.AddSingleton<SignatureVerifier>();
        services.AddSingleton<WebhookIntake>();
        services.AddHostedService<DevelopmentSecretWarning>();
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBufferSize = SpooledBody.MemoryBytes);
        services.Configure<SocketTransportOptions>(sockets => sockets.MaxReadBufferSize = SpooledBody.MemoryBytes);
        return services;
    }
}
