using K8sWebhookHandler.Hosting;
using K8sWebhookHandler.Hosting.Management;
using K8sWebhookHandler.Hosting.Telemetry;
using K8sWebhookHandler.Silo;

var builder = WebApplication.CreateBuilder(args);
if (!builder.CanStart())
{
    return StartupProblems.ExitCode;
}

builder.AddClusterSilo();
builder.AddPrometheusMetrics();
builder.AddHandlerTracing(SiloHostingExtensions.ServiceName);

var app = builder.Build();
app.UseManagementListener();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapManagementDashboard();
await app.RunAsync();
return 0;
