using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

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
    /// exception); 503 with <c>Retry-After</c> when the silo holding the grain did not answer (killed, not yet declared
    /// dead, or overloaded), which is worth asking again; a bare status code gets a problem body.
    /// </summary>
    public static WebApplication UseErrorAnswers(this WebApplication app)
    {
        app.UseExceptionHandler(failure => failure.Run(context =>
        {
            if (IsUnavailable(context.Features.Get<IExceptionHandlerFeature>()?.Error))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = UnavailableRetryAfterSeconds;
                return context.Response.WriteAsJsonAsync(new WebhookError("the silo cluster did not answer in time; try again"));
            }

            return context.Response.WriteAsJsonAsync(new WebhookError("internal error; see the handler's log"));
        }));
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>What <c>Retry-After</c> says when the silo cluster did not answer.</summary>
    public const string UnavailableRetryAfterSeconds = "5";

    /// <summary>Whether the failure is the silo cluster not answering, rather than a fault of the request or the handler.</summary>
    public static bool IsUnavailable(Exception? error) =>
        error is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;
}
