using K8sWebhookHandler.Api.Hosting;
using K8sWebhookHandler.Api.Inspection;
using K8sWebhookHandler.Api.Rendering;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Hosting;
using K8sWebhookHandler.Hosting.Management;
using K8sWebhookHandler.Hosting.Telemetry;

var (arguments, defaultEnvironment) = LaunchArguments.Split(args, Environment.GetEnvironmentVariable);
if (arguments is ["render", .. var renderArgs])
{
    return await RenderCommand.RunAsync(renderArgs);
}

var builder = ApiApplication.CreateBuilder(arguments, defaultEnvironment);
if (!builder.CanStart())
{
    return StartupProblems.ExitCode;
}

builder.AddWebhookHandler();
builder.AddOrleans();
builder.AddPrometheusMetrics();
builder.AddHandlerTracing(ApiApplication.Name);

var app = builder.Build();
app.UseErrorAnswers();
app.UseManagementListener();
app.MapWebhookEndpoints();
app.MapInspectionEndpoints();
app.MapRecoveryEndpoints();
app.MapInspectionPage();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapManagementDashboard();
await app.RunAsync();
return 0;
