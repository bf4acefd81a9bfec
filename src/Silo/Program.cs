using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddClusterSilo();

var app = builder.Build();
app.MapHealthEndpoints();
await app.RunAsync();
