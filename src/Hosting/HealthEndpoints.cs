using K8sWebhookHandler.Hosting.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sWebhookHandler.Hosting;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>/healthz</c>: the process is alive. <c>/readyz</c>: every registered readiness check passes (grain storage, and
    /// the Kubernetes API where this process applies), answered as JSON with each check's status and description. Both
    /// listeners answer them, without a token, so that probes may use either port.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).OnBothListeners();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = _ => true, ResponseWriter = WriteReportAsync }).OnBothListeners();
        return app;
    }

    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
    }
}
