using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>Says at start-up, loudly, when the only webhook secret is the public development one.</summary>
public sealed partial class DevelopmentSecretWarning(IOptions<WebhookOptions> options, ILogger<DevelopmentSecretWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Insecure && options.Value.UsesDevelopmentWebhookSecret)
        {
            LogDevelopmentSecret(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Webhooks are verified with the public development secret only (Handler:DevelopmentWebhookSecret): anyone can sign them. Set WEBHOOK_SECRET for anything but a local run.")]
    private static partial void LogDevelopmentSecret(ILogger logger);
}
