using K8sWebhookHandler.Hosting;
using K8sWebhookHandler.Silo;

var builder = WebApplication.CreateBuilder(args);
if (!builder.CanStart())
{
    return StartupProblems.ExitCode;
}

builder.AddClusterSilo();
builder.AddHandlerTracing(SiloHostingExtensions.ServiceName);

var app = builder.Build();
app.MapHealthEndpoints();
await app.RunAsync();
return 0;
