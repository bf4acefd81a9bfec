using System.Text.Json;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Identity;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>A payload the handler cannot use, with a short reason for the 400 answer.</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);

/// <summary>
/// Reads only what the handler needs from a GitHub payload: the repository, and per event type the ref, the
/// revision and the push flags. Payloads are large and full of nulls; everything else is left alone.
/// </summary>
public static class WebhookParser
{
    /// <summary>Parses a payload; null when it names no repository and is a ping (an organisation hook's ping).</summary>
    public static WebhookEvent? Parse(string eventType, DeliveryId delivery, ReadOnlyMemory<byte> json, DateTimeOffset receivedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw new WebhookPayloadException($"malformed JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new WebhookPayloadException("the payload is not a JSON object");
            }

            if (!root.TryGetProperty("repository", out var repository) || repository.ValueKind != JsonValueKind.Object)
            {
                return eventType == "ping" ? null : throw new WebhookPayloadException("the event names no repository");
            }

            var facts = new RepositoryFacts(
                String(repository, "full_name") ?? throw new WebhookPayloadException("repository.full_name is missing"),
                String(repository, "clone_url") ?? "",
                String(repository, "git_url") ?? "",
                String(repository, "ssh_url") ?? "",
                String(repository, "default_branch") ?? "main");
            if (!RepositoryKey.TryParse(facts.FullName, out _))
            {
                throw new WebhookPayloadException($"repository.full_name '{facts.FullName}' is not owner/name");
            }

            var action = String(root, "action") ?? "";
            var (gitRef, revision, before) = eventType switch
            {
                "push" => (String(root, "ref") ?? "", String(root, "after") ?? "", String(root, "before") ?? ""),
                "delete" or "create" => (FullRef(String(root, "ref"), String(root, "ref_type")), "", ""),
                "check_suite" => Suite(Object(root, "check_suite")),
                "check_run" => Suite(Object(Object(root, "check_run"), "check_suite")),
                _ => ("", "", ""),
            };

            return new WebhookEvent(delivery, eventType, action, gitRef, revision, before,
                Bool(root, "created"), Bool(root, "deleted"), Bool(root, "forced"), facts, receivedAt);
        }
    }

    private static (string Ref, string Revision, string Before) Suite(JsonElement? suite) =>
        suite is not { } s
            ? ("", "", "")
            : (String(s, "head_branch") is { Length: > 0 } branch ? "refs/heads/" + branch : "", String(s, "head_sha") ?? "", String(s, "before") ?? "");

    private static string FullRef(string? name, string? type) => (name, type) switch
    {
        (null or "", _) => "",
        (var n, _) when n.StartsWith("refs/", StringComparison.Ordinal) => n,
        (var n, "tag") => "refs/tags/" + n,
        (var n, _) => "refs/heads/" + n,
    };

    private static JsonElement? Object(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
