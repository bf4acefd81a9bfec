using K8sWebhookHandler.Hosting.Management;

namespace K8sWebhookHandler.Api.Webhooks;

public static class WebhookEndpoints
{
    /// <summary><c>POST /webhook</c>, and <c>POST /</c> for drop-in compatibility with the Go handler.</summary>
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhook", (HttpContext context, WebhookIntake intake) => intake.HandleAsync(context)).OnPublicListener();
        app.MapPost("/", (HttpContext context, WebhookIntake intake) => intake.HandleAsync(context)).OnPublicListener();
        return app;
    }
}
