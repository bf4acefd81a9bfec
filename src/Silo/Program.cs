using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Silo;

var builder = WebApplication.CreateBuilder(args);
if (StartupCheck.Problems(builder.Configuration, services => services.AddSiloServices()).ToList() is { Count: > 0 } problems)
{
    problems.ForEach(p => Console.Error.WriteLine($"k8s-webhook-handler silo cannot start: {p}"));
    return 2;
}

builder.AddClusterSilo();

var app = builder.Build();
app.MapHealthEndpoints();
await app.RunAsync();
return 0;
