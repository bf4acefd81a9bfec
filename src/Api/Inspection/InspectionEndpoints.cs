using System.Globalization;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace K8sWebhookHandler.Api.Inspection;

public static partial class InspectionEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(25);

    /// <summary>
    /// <c>GET /api/repositories?state=&amp;cursor=&amp;limit=</c>: the known repositories by name, with counts by state.
    /// <c>GET /api/repositories/{owner}/{name}</c>: recent deliveries and outcomes, per-ref state.
    /// <c>GET /api/repositories/{owner}/{name}/deliveries?state=&amp;ref=&amp;event=&amp;cursor=&amp;limit=</c>: deliveries, newest first.
    /// <c>GET /api/repositories/{owner}/{name}/refs</c>: the refs, each with what was last applied for it.
    /// <c>GET /api/repositories/{owner}/{name}/deliveries/{id}?wait=10</c>: one delivery, waiting up to
    /// <c>wait</c> seconds (0 to 25; anything else is a 400) for its outcome.
    /// <c>POST /api/repositories/{owner}/{name}/deliveries/{id}/retry</c>: runs a recorded delivery again (202 with
    /// its record; 404 for an unknown id, 409 for an event the handler does not act on).
    /// Errors are problem details saying what to send instead.
    /// </summary>
    public static IEndpointRouteBuilder MapInspectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/repositories", RepositoriesAsync);
        var group = app.MapGroup("/api/repositories/{owner}/{name}");
        group.MapGet("/", InspectAsync);
        group.MapGet("/deliveries", DeliveriesAsync);
        group.MapGet("/refs", RefsAsync);
        group.MapGet("/deliveries/{id}", DeliveryAsync);
        group.MapPost("/deliveries/{id}/retry", RetryAsync);
        return app;
    }

    private static async Task<Results<Ok<RepositorySnapshot>, ProblemHttpResult>> InspectAsync(string owner, string name, IGrainFactory grains) =>
        RepositoryKey.TryParse($"{owner}/{name}", out var key)
            ? TypedResults.Ok(await grains.GetGrain<IRepositoryGrain>(key.Value).Inspect())
            : NotARepository(owner, name);

    private static async Task<Results<Ok<DeliveryRecord>, ProblemHttpResult>> DeliveryAsync(
        string owner, string name, string id, HttpRequest request, IGrainFactory grains)
    {
        if (!RepositoryKey.TryParse($"{owner}/{name}", out var key) || !DeliveryId.TryParse(id, out var delivery))
        {
            return NotADelivery(owner, name, id);
        }

        if (!TryParseWait(request.Query["wait"], out var timeout))
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a wait", $"wait must be one number of seconds from 0 to {MaxWait.TotalSeconds:0}, e.g. wait=10.");
        }

        var record = await grains.GetGrain<IRepositoryGrain>(key.Value).WaitForOutcome(delivery, timeout);
        return record is null ? UnknownDelivery(id, key) : TypedResults.Ok(record);
    }

    private static async Task<Results<Accepted<DeliveryRecord>, ProblemHttpResult>> RetryAsync(string owner, string name, string id, IGrainFactory grains)
    {
        if (!RepositoryKey.TryParse($"{owner}/{name}", out var key) || !DeliveryId.TryParse(id, out var delivery))
        {
            return NotADelivery(owner, name, id);
        }

        return await grains.GetGrain<IRepositoryGrain>(key.Value).Retry(delivery) switch
        {
            null => UnknownDelivery(id, key),
            { State: DeliveryState.Ignored or DeliveryState.IgnoredRef } ignored => Problem(StatusCodes.Status409Conflict, "Not acted on",
                $"delivery {id} is an event the handler does not act on: {ignored.Reason}. Send the event again once the handler acts on it."),
            { State: DeliveryState.Queued } queued => TypedResults.Accepted((string?)null, queued),
            _ => Problem(StatusCodes.Status409Conflict, "Cannot run again",
                $"delivery {id} cannot be run again until a new delivery of {key} says where the repository is: send one (a push, or GitHub's redelivery)."),
        };
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);

    private static ProblemHttpResult NotARepository(string owner, string name) => Problem(StatusCodes.Status400BadRequest, "Not a repository",
        $"'{owner}/{name}' is not a repository name: send owner/name as GitHub spells it, e.g. /api/repositories/octo/hello.");

    private static ProblemHttpResult NotADelivery(string owner, string name, string id) => Problem(StatusCodes.Status400BadRequest, "Not a repository or delivery",
        $"'{owner}/{name}' is not a repository name or '{id}' not a delivery id: send owner/name and the X-GitHub-Delivery id of one of its deliveries.");

    private static ProblemHttpResult UnknownDelivery(string id, RepositoryKey key) => Problem(StatusCodes.Status404NotFound, "Unknown delivery",
        $"no delivery {id} recorded for {key}: list its deliveries at /api/repositories/{key}/deliveries.");

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
