using System.Diagnostics;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>The grain's spans: a delivery's acceptance, and each attempt at it in the drain loop, in the delivery's trace.</summary>
public sealed partial class RepositoryGrain
{
    // Orleans' activity propagation puts the caller's trace in the request context under these names.
    private const string TraceParentKey = "traceparent";
    private const string TraceStateKey = "tracestate";

    private readonly DeliveryTraces _traces = new();

    /// <summary>
    /// The caller's trace: the current span (Orleans starts one when its own source is listened to), or else the
    /// <c>traceparent</c> Orleans' activity propagation carried in the request context.
    /// </summary>
    private static ActivityContext CallerContext() =>
        Activity.Current?.Context
        ?? (RequestContext.Get(TraceParentKey) is string parent
            && ActivityContext.TryParse(parent, RequestContext.Get(TraceStateKey) as string, out var context) ? context : default);

    private Activity? StartAccept(WebhookEvent e) =>
        HandlerActivities.Source.StartActivity(HandlerActivities.Accept, ActivityKind.Internal, CallerContext())
            .Delivery(Repository, e.Delivery.Value, e.EventType.Name)?.SetTag(HandlerActivities.RefTag, e.Ref.Value);

    /// <summary>Keeps the trace of a delivery that will be processed later: the acceptance's span, or the caller's.</summary>
    private void RememberTrace(WebhookEvent e, Activity? accept) => _traces.Remember(e.Delivery, accept?.Context ?? CallerContext());

    /// <summary>An attempt at <paramref name="pending"/>, in the trace it was accepted in when this activation knows it.</summary>
    private Activity? StartProcessing(PendingDelivery pending)
    {
        var e = pending.Event;
        return HandlerActivities.Source.StartActivity(HandlerActivities.Process, ActivityKind.Internal, _traces.Of(e.Delivery))
            .Delivery(Repository, e.Delivery.Value, e.EventType.Name)
            ?.SetTag(HandlerActivities.RefTag, e.Ref.Value)
            .SetTag(HandlerActivities.AttemptTag, pending.Attempts + 1);
    }

    /// <summary>Tags the attempt with what it came to; a retry is a failed span with its reason.</summary>
    private static void Finished(Activity? activity, ProcessingResult result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(HandlerActivities.RevisionTag, result.Revision);
        activity.Outcome(result.Transient ? "retry" : System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(result.State.ToString()));
        if (result.Transient || result.State == DeliveryState.Rejected)
        {
            activity.Failed(result.Reason ?? result.State.ToString());
        }
    }
}
