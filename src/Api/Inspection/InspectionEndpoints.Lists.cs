using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Repositories;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8sWebhookHandler.Api.Inspection;

/// <summary>The lists: known repositories from the index, and a repository's deliveries and refs.</summary>
public static partial class InspectionEndpoints
{
    private static async Task<Results<Ok<Page<RepositorySummary>>, ValidationProblem>> RepositoriesAsync(HttpRequest request, IGrainFactory grains)
    {
        var query = new QueryReader(request.Query);
        var (state, after, limit) = (query.State(), query.RepositoryCursor(), query.Limit());
        if (!query.Valid)
        {
            return query.Problem();
        }

        var page = await grains.ListAsync(after, state, limit);
        return TypedResults.Ok(new Page<RepositorySummary>(page.Items, page.Next is { } next ? Cursors.After(next) : null));
    }

    private static async Task<Results<Ok<Page<DeliveryRecord>>, ValidationProblem, ProblemHttpResult>> DeliveriesAsync(
        string owner, string name, HttpRequest request, IGrainFactory grains)
    {
        if (!RepositoryKey.TryParse($"{owner}/{name}", out var key))
        {
            return NotARepository(owner, name);
        }

        var query = new QueryReader(request.Query);
        var (state, gitRef, type, after, limit) = (query.State(), query.Ref(), query.Event(), query.DeliveryCursor(), query.Limit());
        if (!query.Valid)
        {
            return query.Problem();
        }

        // One more than a page: whether it comes says whether there is a next page.
        var found = await grains.GetGrain<IRepositoryGrain>(key.Value).Deliveries(new DeliveryQuery(state, gitRef, type, after, limit + 1));
        var items = found.Take(limit).ToArray();
        return TypedResults.Ok(new Page<DeliveryRecord>(items, found.Count > limit ? Cursors.After(items[^1]) : null));
    }

    private static async Task<Results<Ok<IReadOnlyList<RefRecord>>, ProblemHttpResult>> RefsAsync(string owner, string name, IGrainFactory grains) =>
        RepositoryKey.TryParse($"{owner}/{name}", out var key)
            ? TypedResults.Ok(await grains.GetGrain<IRepositoryGrain>(key.Value).Refs())
            : NotARepository(owner, name);
}
