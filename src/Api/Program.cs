using K8sWebhookHandler.Api.Hosting;
using K8sWebhookHandler.Api.Inspection;
using K8sWebhookHandler.Api.Rendering;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Grains.Hosting;

var (arguments, defaultEnvironment) = LaunchArguments.Split(args, Environment.GetEnvironmentVariable);
if (arguments is ["render", .. var renderArgs])
{
    var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(renderArgs.Where(a => a.StartsWith("--Handler:", StringComparison.Ordinal)).ToArray()).Build();
    return await RenderCommand.RunAsync(renderArgs, configuration, Console.Out, Console.Error);
}

// appsettings*.json sit beside the program; relative paths in settings (Handler:DataDirectory) are the caller's.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = arguments,
    EnvironmentName = defaultEnvironment,
    ContentRootPath = AppContext.BaseDirectory,
});
var mode = builder.Configuration.GetHostingMode();
if (StartupCheck.Problems(builder.Configuration, services => services.AddHandlerServices(mode)).ToList() is { Count: > 0 } problems)
{
    problems.ForEach(p => Console.Error.WriteLine($"k8s-webhook-handler cannot start: {p}"));
    return 2;
}

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
