using System.Diagnostics;

namespace K8sWebhookHandler.Abstractions.Diagnostics;

/// <summary>
/// The handler's spans: one <see cref="ActivitySource"/> named <see cref="SourceName"/>, the span names and the attribute
/// names they carry. One delivery is one trace: intake's <see cref="Receive"/> span, the grain's <see cref="Accept"/>, and
/// for every attempt a <see cref="Process"/> span (parented by the acceptance, however much later it runs) with the git
/// fetches, the manifest's steps and the Kubernetes calls beneath it. Attribute values are bounded: names, ids, states and
/// status codes, never a payload or an error's free text (that goes to the span's status description).
/// </summary>
public static class HandlerActivities
{
    /// <summary>The name of the handler's <see cref="ActivitySource"/>, to listen to or export.</summary>
    public const string SourceName = "K8sWebhookHandler";

    /// <summary>The source every span of the handler starts from.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A webhook request at intake: verified, parsed and handed to the repository's grain.</summary>
    public const string Receive = "webhook receive";

    /// <summary>The repository grain examining and storing a delivery (its outcome is the answer's status).</summary>
    public const string Accept = "delivery accept";

    /// <summary>One attempt at a delivery in the repository grain's drain loop: decided, processed, recorded.</summary>
    public const string Process = "delivery process";

    /// <summary>One fetch from a git server into the repository's mirror.</summary>
    public const string GitFetch = "git fetch";

    /// <summary>Reading <c>.ci/workflow.yaml</c> at a revision and checking its limits.</summary>
    public const string ManifestRead = "manifest read";

    /// <summary>Stamping the manifest's objects with the delivery's facts.</summary>
    public const string ManifestStamp = "manifest stamp";

    /// <summary>Checking and placing the stamped objects (kind discovery included).</summary>
    public const string ManifestPlan = "manifest plan";

    /// <summary>A request to the Kubernetes API; the span's name is this and the verb, e.g. <c>kubernetes patch</c>.</summary>
    public const string KubernetesPrefix = "kubernetes ";

    /// <summary>The repository's canonical key, <c>owner/name</c>.</summary>
    public const string RepositoryTag = "handler.repository";

    /// <summary>GitHub's <c>X-GitHub-Delivery</c>.</summary>
    public const string DeliveryTag = "handler.delivery.id";

    /// <summary>GitHub's <c>X-GitHub-Event</c>.</summary>
    public const string EventTag = "handler.event";

    /// <summary>The ref the delivery is about.</summary>
    public const string RefTag = "handler.ref";

    /// <summary>The commit read or applied.</summary>
    public const string RevisionTag = "handler.revision";

    /// <summary>What a step came to: a delivery's status or state in kebab case, a manifest's <c>read</c> or <c>missing</c>.</summary>
    public const string OutcomeTag = "handler.outcome";

    /// <summary>The attempt of a delivery, from 1.</summary>
    public const string AttemptTag = "handler.attempt";

    /// <summary>How many objects a manifest step read, stamped or planned.</summary>
    public const string ObjectsTag = "handler.objects";

    /// <summary>The Kubernetes verb: get, list, watch, create, patch, update, delete.</summary>
    public const string KubernetesVerbTag = "k8s.verb";

    /// <summary>The Kubernetes resource (plural, as in the path): <c>workflows</c>, <c>namespaces</c>; empty for discovery.</summary>
    public const string KubernetesResourceTag = "k8s.resource";

    /// <summary>The HTTP status code a request was answered with.</summary>
    public const string StatusCodeTag = "http.response.status_code";

    /// <summary>
    /// Whether a span of this name may begin a trace: the handler's own spans do; a grain call that is not part of one
    /// (a probe's, the dashboard's) does not, and is not exported.
    /// </summary>
    public static bool StartsTraces(string name) =>
        name is Receive or Accept or Process or GitFetch or ManifestRead or ManifestStamp or ManifestPlan || name.StartsWith(KubernetesPrefix, StringComparison.Ordinal);

    /// <summary>Sets <see cref="OutcomeTag"/>.</summary>
    public static Activity? Outcome(this Activity? activity, string outcome) => activity?.SetTag(OutcomeTag, outcome);

    /// <summary>
    /// Marks the span failed: status <see cref="ActivityStatusCode.Error"/> with <paramref name="reason"/>, and the exception
    /// as an event when there is one.
    /// </summary>
    public static void Failed(this Activity? activity, string reason, Exception? exception = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, reason);
        if (exception is not null)
        {
            activity.AddException(exception);
        }
    }

    /// <summary>Tags the span with a delivery's repository, id and event.</summary>
    public static Activity? Delivery(this Activity? activity, string repository, string delivery, string eventType) =>
        activity?.SetTag(RepositoryTag, repository).SetTag(DeliveryTag, delivery).SetTag(EventTag, eventType);
}
