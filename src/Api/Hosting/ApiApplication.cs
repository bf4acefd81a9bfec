using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Hosting;

namespace K8sWebhookHandler.Api.Hosting;

/// <summary>The steps of the Api's <c>Program.cs</c> that are not a subsystem's own <c>AddX()</c> or <c>MapX()</c>.</summary>
public static class ApiApplication
{
    /// <summary>The name the program's start-up problems are printed under.</summary>
    public const string Name = "k8s-webhook-handler";

    /// <summary>
    /// The host's builder: appsettings*.json sit beside the program, while relative paths in settings
    /// (<c>Handler:DataDirectory</c>) are the caller's; <paramref name="defaultEnvironment"/> as <see cref="LaunchArguments"/> found it.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, string? defaultEnvironment) =>
        WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = defaultEnvironment,
            ContentRootPath = AppContext.BaseDirectory,
        });

    /// <summary>
    /// Whether the settings of the configured <c>Handler:Mode</c> can work (<see cref="ApiHostingExtensions.AddHandlerServices"/>);
    /// each problem is printed on standard error, and the program then exits with <see cref="StartupProblems.ExitCode"/>.
    /// </summary>
    public static bool CanStart(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetHostingMode();
        return builder.Configuration.CanStart(Name, services => services.AddHandlerServices(mode, builder.Configuration), Console.Error);
    }

    /// <summary>
    /// How a failure no endpoint handled is answered: 500 with a <see cref="WebhookError"/> pointing at the log (never the
    /// exception), and a bare status code gets a problem body.
    /// </summary>
    public static WebApplication UseErrorAnswers(this WebApplication app)
    {
        app.UseExceptionHandler(failure => failure.Run(context =>
            context.Response.WriteAsJsonAsync(new WebhookError("internal error; see the handler's log"))));
        app.UseStatusCodePages();
        return app;
    }
}
