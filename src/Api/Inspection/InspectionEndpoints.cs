using K8sWebhookHandler.Grains;
using K8sWebhookHandler.Grains.Identity;

namespace K8sWebhookHandler.Api.Inspection;

public static class InspectionEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(25);

    /// <summary>
    /// <c>GET /api/repositories/{owner}/{name}</c>: recent deliveries and outcomes, per-ref state.
    /// <c>GET /api/repositories/{owner}/{name}/deliveries/{id}?wait=10</c>: one delivery, waiting up to
    /// <c>wait</c> seconds (at most 25) for its outcome.
    /// </summary>
    public static IEndpointRouteBuilder MapInspectionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/repositories/{owner}/{name}");
        group.MapGet("/", async (string owner, string name, IGrainFactory grains) =>
        {
            if (!RepositoryKey.TryParse($"{owner}/{name}", out var key))
            {
                return Results.BadRequest(new { error = $"'{owner}/{name}' is not a repository name" });
            }

            return Results.Ok(await grains.GetGrain<IRepositoryGrain>(key.Value).Inspect());
        });
        group.MapGet("/deliveries/{id}", async (string owner, string name, string id, double? wait, IGrainFactory grains) =>
        {
            if (!RepositoryKey.TryParse($"{owner}/{name}", out var key) || !DeliveryId.TryParse(id, out var delivery))
            {
                return Results.BadRequest(new { error = "not a repository name or delivery id" });
            }

            var timeout = TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, MaxWait.TotalSeconds));
            var record = await grains.GetGrain<IRepositoryGrain>(key.Value).WaitForOutcome(delivery, timeout);
            return record is null ? Results.NotFound(new { error = $"no delivery {id} recorded for {key}" }) : Results.Ok(record);
        });
        return app;
    }
}
