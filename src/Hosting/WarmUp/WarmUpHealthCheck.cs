using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>Ready only once every warm-up step has passed; until then, what the warm-up is doing or why a step failed.</summary>
public sealed class WarmUpHealthCheck(WarmUpProgress progress) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(progress.IsComplete ? HealthCheckResult.Healthy(progress.Description) : HealthCheckResult.Unhealthy(progress.Description));
}
