using System.Diagnostics;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Manifests;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// The one way from a repository's manifest to objects ready to write: read it at a revision (from the
/// <see cref="IManifestSource"/>, its limits checked by the <see cref="ManifestReader"/>), stamp it with the delivery's
/// facts (<see cref="ManifestStamper"/>) and plan it (<see cref="ApplyPlanner"/>). The processor, <c>render</c> and
/// so the dry run (which writes the plan) all go through it.
/// </summary>
public sealed class ManifestPipeline(IManifestSource source, IKindResolver kinds, IOptions<ManifestOptions> options, ObjectPlacement placement)
{
    private readonly ManifestReader _reader = new(options.Value);
    private readonly ApplyPlanner _planner = new(kinds, placement);

    /// <summary>The manifest's objects at <paramref name="revision"/>; null, and why, when it does not exist or has none.</summary>
    /// <param name="webhookEvent">The delivery, which names the repository.</param>
    /// <param name="revision">The commit to read at.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<(IReadOnlyList<JsonObject>? Objects, string? Missing)> ReadAsync(WebhookEvent webhookEvent, string revision, CancellationToken cancellationToken)
    {
        using var activity = HandlerActivities.Source.StartActivity(HandlerActivities.ManifestRead)?.SetTag(HandlerActivities.RevisionTag, revision);
        try
        {
            var settings = options.Value;
            var file = await source.ReadAsync(webhookEvent, revision, settings.ManifestPath, settings.MaxBytes, cancellationToken);
            if (file is null)
            {
                activity.Outcome("missing");
                return (null, $"{settings.ManifestPath} does not exist at {revision}");
            }

            var objects = _reader.Read(file.Path, file.Size, file.Text);
            activity.Outcome(objects.Count == 0 ? "empty" : "read")?.SetTag(HandlerActivities.ObjectsTag, objects.Count);
            return objects.Count == 0 ? (null, $"{settings.ManifestPath} has no objects at {revision}") : (objects, null);
        }
        catch (Exception e) when (activity is not null)
        {
            activity.Outcome("failed").Failed(e.Message, e);
            throw;
        }
    }

    /// <summary>The objects stamped with <paramref name="stampedAs"/>'s facts and <paramref name="revision"/>, checked and placed.</summary>
    /// <param name="objects">What <see cref="ReadAsync"/> read.</param>
    /// <param name="stampedAs">The delivery whose facts are stamped (for a deletion, <see cref="WebhookEvent.AsDeletion"/>).</param>
    /// <param name="revision">The commit the manifest was read at.</param>
    /// <param name="targetNamespace">Where namespaced objects without a namespace go.</param>
    /// <param name="cancellationToken">Cancels kind discovery.</param>
    public async Task<ObjectPlan> PlanAsync(IReadOnlyList<JsonObject> objects, WebhookEvent stampedAs, string revision, string targetNamespace, CancellationToken cancellationToken)
    {
        IReadOnlyList<JsonObject> stamped;
        using (var stamp = HandlerActivities.Source.StartActivity(HandlerActivities.ManifestStamp)?.SetTag(HandlerActivities.RevisionTag, revision))
        {
            stamped = Step(stamp, () => ManifestStamper.Stamp(objects, stampedAs, revision));
            stamp?.SetTag(HandlerActivities.ObjectsTag, stamped.Count);
        }

        using var plan = HandlerActivities.Source.StartActivity(HandlerActivities.ManifestPlan)?.SetTag(HandlerActivities.ObjectsTag, stamped.Count);
        try
        {
            return await _planner.PlanAsync(stamped, targetNamespace, cancellationToken);
        }
        catch (Exception e) when (plan is not null)
        {
            plan.Outcome("failed").Failed(e.Message, e);
            throw;
        }
    }

    /// <summary>Runs a synchronous step, marking <paramref name="activity"/> failed when it throws.</summary>
    private static T Step<T>(Activity? activity, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (activity is not null)
        {
            activity.Outcome("failed").Failed(e.Message, e);
            throw;
        }
    }
}
