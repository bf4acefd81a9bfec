using System.Globalization;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using Microsoft.Extensions.Primitives;

namespace K8sWebhookHandler.Api.Inspection;

public static class InspectionEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(25);

    /// <summary>
    /// <c>GET /api/repositories/{owner}/{name}</c>: recent deliveries and outcomes, per-ref state.
    /// <c>GET /api/repositories/{owner}/{name}/deliveries/{id}?wait=10</c>: one delivery, waiting up to
    /// <c>wait</c> seconds (0 to 25; anything else is a 400) for its outcome.
    /// <c>POST /api/repositories/{owner}/{name}/deliveries/{id}/retry</c>: runs a recorded delivery again (202 with
    /// its record; 404 for an unknown id, 409 for an event the handler does not act on).
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
        group.MapGet("/deliveries/{id}", async (string owner, string name, string id, HttpRequest request, IGrainFactory grains) =>
        {
            if (!RepositoryKey.TryParse($"{owner}/{name}", out var key) || !DeliveryId.TryParse(id, out var delivery))
            {
                return Results.BadRequest(new { error = "not a repository name or delivery id" });
            }

            if (!TryParseWait(request.Query["wait"], out var timeout))
            {
                return Results.BadRequest(new { error = $"wait must be one number of seconds from 0 to {MaxWait.TotalSeconds:0}, e.g. wait=10" });
            }

            var record = await grains.GetGrain<IRepositoryGrain>(key.Value).WaitForOutcome(delivery, timeout);
            return record is null ? Results.NotFound(new { error = $"no delivery {id} recorded for {key}" }) : Results.Ok(record);
        });
        group.MapPost("/deliveries/{id}/retry", async (string owner, string name, string id, IGrainFactory grains) =>
        {
            if (!RepositoryKey.TryParse($"{owner}/{name}", out var key) || !DeliveryId.TryParse(id, out var delivery))
            {
                return Results.BadRequest(new { error = "not a repository name or delivery id" });
            }

            return await grains.GetGrain<IRepositoryGrain>(key.Value).Retry(delivery) switch
            {
                null => Results.NotFound(new { error = $"no delivery {id} recorded for {key}" }),
                { State: DeliveryState.Ignored or DeliveryState.IgnoredRef } ignored => Results.Conflict(new { error = $"delivery {id} is an event the handler does not act on: {ignored.Reason}" }),
                { State: DeliveryState.Queued } queued => Results.Accepted((string?)null, queued),
                _ => Results.Conflict(new { error = $"delivery {id} cannot be run again until a new delivery of {key} says where the repository is" }),
            };
        });
        return app;
    }

    /// <summary>
    /// The <c>wait</c> query value, parsed here rather than bound, so that <c>wait=abc</c> is a 400 with a reason:
    /// absent means no wait; otherwise one finite number of seconds from 0 to <see cref="MaxWait"/>.
    /// </summary>
    internal static bool TryParseWait(StringValues values, out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1 || !double.TryParse(values[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds > MaxWait.TotalSeconds)
        {
            return false;
        }

        wait = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
