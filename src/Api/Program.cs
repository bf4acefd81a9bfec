using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Api.Hosting;
using K8sWebhookHandler.Api.Inspection;
using K8sWebhookHandler.Api.Rendering;
using K8sWebhookHandler.Api.Webhooks;

if (args is ["render", .. var renderArgs])
{
    var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(renderArgs.Where(a => a.StartsWith("--Handler:", StringComparison.Ordinal)).ToArray()).Build();
    return await RenderCommand.RunAsync(renderArgs, configuration, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddWebhookHandler();
builder.AddOrleans();

var app = builder.Build();
app.UseExceptionHandler(failure => failure.Run(context =>
    context.Response.WriteAsJsonAsync(new WebhookError("internal error; see the handler's log"))));
app.UseStatusCodePages();
app.MapWebhookEndpoints();
app.MapInspectionEndpoints();
app.MapHealthEndpoints();
await app.RunAsync();
return 0;
