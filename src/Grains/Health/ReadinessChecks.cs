using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Health;

/// <summary>
/// Ready only when a grain answers (silo up), grain storage answers a read now (<see cref="IStorageProbeGrain"/>), and
/// the data directory takes writes.
/// </summary>
public sealed class GrainStorageHealthCheck(IGrainFactory grains, IOptions<DataDirectoryOptions> options) : IHealthCheck
{
    /// <summary>The key of the one probe grain.</summary>
    public const string ProbeKey = "readiness";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IStorageProbeGrain>(ProbeKey).Probe().WaitAsync(cancellationToken);
            var probe = Path.Combine(Directory.CreateDirectory(options.Value.DataDirectory).FullName, ".readiness");
            await File.WriteAllTextAsync(probe, DateTimeOffset.UtcNow.ToString("O"), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Orleans wraps a storage failure in a message with the grain id and a stack trace: the cause says it.
            return HealthCheckResult.Unhealthy($"grain storage is not usable: {e.GetBaseException().Message}");
        }
    }
}

/// <summary>Ready only when the Kubernetes API answers (always, in a dry run).</summary>
public sealed class KubernetesHealthCheck(KubernetesTarget target) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (target.Client is not { } client)
        {
            return HealthCheckResult.Healthy("dry run");
        }

        try
        {
            await client.GetAsync("/version", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (TransientException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
        catch (KubernetesApiException e)
        {
            return HealthCheckResult.Unhealthy($"the Kubernetes API at {client.BaseUri} answered GET /version with {e.Message}");
        }
    }
}

public static class HealthEndpoints
{
    /// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: grain storage and the cluster are usable.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = _ => true,
            ResponseWriter = async (context, report) =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsJsonAsync(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
                });
            },
        });
        return app;
    }
}
