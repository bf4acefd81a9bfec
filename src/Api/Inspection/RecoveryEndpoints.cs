using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Recovery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8sWebhookHandler.Api.Inspection;

public static class RecoveryEndpoints
{
    /// <summary>
    /// <c>GET /api/recovery</c>: the delivery reconciler's settings, the hooks it reconciles and its recent runs, newest
    /// first. <c>POST /api/recovery/runs</c>: runs it now (or joins the run under way: never two at once) and answers 200
    /// with the finished run, or 202 with its progress when it takes longer than 20 s; 409 when recovery does not run.
    /// </summary>
    public static IEndpointRouteBuilder MapRecoveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/recovery", (IGrainFactory grains) => grains.GetGrain<IDeliveryRecoveryGrain>(0).Inspect());
        app.MapPost("/api/recovery/runs", RunAsync);
        return app;
    }

    private static async Task<Results<Ok<RecoveryRun>, Accepted<RecoveryRun>, ProblemHttpResult>> RunAsync(IGrainFactory grains)
    {
        var reconciler = grains.GetGrain<IDeliveryRecoveryGrain>(0);
        if ((await reconciler.Inspect()).Disabled is { } why)
        {
            return TypedResults.Problem($"Delivery recovery does not run: {why}.", statusCode: StatusCodes.Status409Conflict, title: "Recovery off");
        }

        var run = await reconciler.Run();
        return run.Outcome == RecoveryOutcome.Running ? TypedResults.Accepted((string?)null, run) : TypedResults.Ok(run);
    }
}
