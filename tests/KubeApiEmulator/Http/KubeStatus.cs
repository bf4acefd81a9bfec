using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>One entry of <c>details.causes</c> in a Status body.</summary>
public sealed record StatusCause(string Reason, string Message, string Field);

/// <summary>
/// A request the emulator refuses, carrying the same <c>kind: Status</c> body a real API server sends:
/// code, reason, message and, for 422, the field-level causes.
/// </summary>
public sealed class KubeStatusException(
    int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }

        status["code"] = Code;
        return status;
    }

    public static KubeStatusException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found", DetailsOf(type, name));

    public static KubeStatusException NamespaceNotFound(string name) =>
        new(404, "NotFound", $"namespaces \"{name}\" not found", new JsonObject { ["name"] = name, ["kind"] = "namespaces" });

    public static KubeStatusException NoSuchPath() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static KubeStatusException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", DetailsOf(type, name));

    public static KubeStatusException Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": {why}", DetailsOf(type, name));

    public static KubeStatusException StaleResourceVersion(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static KubeStatusException BadRequest(string message) => new(400, "BadRequest", message);

    public static KubeStatusException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    public static KubeStatusException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got {contentType})");

    public static KubeStatusException Gone(string message) => new(410, "Expired", message);

    /// <summary>422 with one cause per field error, the message built the way the API server builds it.</summary>
    public static KubeStatusException Invalid(ResourceType type, string name, IReadOnlyList<StatusCause> causes)
    {
        var parts = causes.Select(c => $"{c.Field}: {c.Message}").ToArray();
        var joined = parts.Length == 1 ? parts[0] : $"[{string.Join(", ", parts)}]";
        var details = DetailsOf(type, name, type.Kind);
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = c.Reason,
            ["message"] = c.Message,
            ["field"] = c.Field,
        }).ToArray());
        return new(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {joined}", details);
    }

    private static JsonObject DetailsOf(ResourceType type, string name, string? kind = null)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = kind ?? type.Plural;
        return details;
    }
}
