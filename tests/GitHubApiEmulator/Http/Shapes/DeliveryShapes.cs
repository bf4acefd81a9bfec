using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;

/// <summary>
/// Hook deliveries as GitHub's JSON has them: the "simple webhook delivery" of a list, and the "webhook delivery" of a
/// get, which adds the URL, the request (headers and the payload as an object) and the response (headers and body).
/// </summary>
public static class DeliveryShapes
{
    public static JsonObject Simple(HookAttempt attempt) => new()
    {
        ["id"] = attempt.Id,
        ["guid"] = attempt.Guid,
        ["delivered_at"] = AccountShapes.Time(attempt.DeliveredAt),
        ["redelivery"] = attempt.Redelivery,
        ["duration"] = Math.Round(attempt.Duration.TotalSeconds, 2),
        ["status"] = attempt.Status,
        ["status_code"] = attempt.StatusCode,
        ["event"] = attempt.Event,
        ["action"] = attempt.Action,
        ["installation_id"] = attempt.InstallationId,
        ["repository_id"] = attempt.RepositoryId,
        ["throttled_at"] = null,
    };

    public static JsonObject Full(HookAttempt attempt)
    {
        var shape = Simple(attempt);
        shape["url"] = attempt.Url?.ToString() ?? "";
        shape["request"] = new JsonObject { ["headers"] = Headers(attempt.RequestHeaders), ["payload"] = PayloadObject(attempt.Payload) };
        shape["response"] = new JsonObject
        {
            ["headers"] = Headers(attempt.ResponseHeaders),
            ["payload"] = attempt.ResponseBody,
        };
        return shape;
    }

    private static JsonObject Headers(IReadOnlyDictionary<string, string> headers) =>
        new(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value)));

    /// <summary>The payload as the object it is; null for one that is not a JSON object (the description allows nothing else).</summary>
    private static JsonObject? PayloadObject(string payload)
    {
        try
        {
            return JsonNode.Parse(payload) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
