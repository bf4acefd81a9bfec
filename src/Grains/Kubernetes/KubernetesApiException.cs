using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>An answer from the API server that is not success, with its Status reason and message.</summary>
public sealed class KubernetesApiException(HttpStatusCode status, string reason, string message)
    : Exception($"{(int)status} {reason}: {message}")
{
    public HttpStatusCode Status { get; } = status;

    public string Reason { get; } = reason;

    public string ApiMessage { get; } = message;

    /// <summary>Worth retrying: the server is down, overloaded or timed out, not refusing the request.</summary>
    public bool IsTransient => (int)Status >= 500 || Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    public static KubernetesApiException From(HttpStatusCode status, string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject { } statusBody && ManifestFields.StringOrNull(statusBody["kind"]) == "Status")
            {
                return new(status, ManifestFields.StringOrNull(statusBody["reason"]) ?? "", ManifestFields.StringOrNull(statusBody["message"]) ?? "");
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status body (a proxy's HTML page, say): keep the text.
        }

        return new(status, status.ToString(), Excerpt(body));
    }

    /// <summary>
    /// A body that is not a <c>Status</c>, fit for a reason and a log line: on one line (runs of whitespace and control
    /// characters become one space), at most 500 characters, and <c>(empty body)</c> rather than nothing.
    /// </summary>
    public static string Excerpt(string body)
    {
        var printable = new string(body.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        var text = string.Join(' ', printable.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? "(empty body)" : text.Length > 500 ? text[..500] : text;
    }
}
