using System.Diagnostics;
using System.Net;
using K8sWebhookHandler.Abstractions.Diagnostics;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// The span of one request to the Kubernetes API, named for its verb (<c>kubernetes patch</c>) and tagged with the
/// resource from its path. Started only inside a trace (a delivery's, a request's): the workflow watch's own requests
/// outside one start none.
/// </summary>
internal static class KubernetesCallActivity
{
    public static Activity? Start(HttpMethod method, string path)
    {
        if (Activity.Current is null)
        {
            return null;
        }

        var (verb, resource) = Describe(method, path);
        return HandlerActivities.Source.StartActivity(HandlerActivities.KubernetesPrefix + verb, ActivityKind.Client)?
            .SetTag(HandlerActivities.KubernetesVerbTag, verb)
            .SetTag(HandlerActivities.KubernetesResourceTag, resource);
    }

    /// <summary>Tags the answer's status; an answer outside 2xx marks the span failed.</summary>
    public static void Answered(Activity? activity, HttpStatusCode status)
    {
        activity?.SetTag(HandlerActivities.StatusCodeTag, (int)status);
        if ((int)status is < 200 or > 299)
        {
            activity.Failed($"answered {(int)status}");
        }
    }

    /// <summary>
    /// The verb and the plural resource of a request's path: <c>/apis/g/v/namespaces/ns/workflows/name</c> is a <c>get</c>
    /// of <c>workflows</c>; without a name a <c>list</c>, or a <c>watch</c> when it asks to; discovery paths have no resource.
    /// </summary>
    public static (string Verb, string Resource) Describe(HttpMethod method, string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var segments = (query < 0 ? path : path[..query]).Split('/', StringSplitOptions.RemoveEmptyEntries);
        // After /api/v1 or /apis/group/version, wherever the base's own path (a proxy's) ends.
        var start = Array.FindIndex(segments, s => s is "api" or "apis");
        var rest = start < 0 ? [] : segments[Math.Min(segments.Length, start + (segments[start] == "api" ? 2 : 3))..];
        var (resource, named) = rest is ["namespaces", _, var inNamespace, ..] ? (inNamespace, rest.Length > 3) : (rest.FirstOrDefault() ?? "", rest.Length > 1);
        var verb = method.Method switch
        {
            "GET" when path.Contains("watch=true", StringComparison.Ordinal) => "watch",
            "GET" => named ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => named ? "delete" : "deletecollection",
            _ => method.Method.ToLowerInvariant(),
        };
        return (verb, resource);
    }
}
