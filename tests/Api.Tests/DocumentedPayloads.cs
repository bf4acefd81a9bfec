using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>
/// <c>release</c> and <c>deployment</c> payloads in the shape GitHub documents for them (the shared fixtures have
/// none): the event's own object with the fields GitHub sends, beside a real payload's repository and sender.
/// </summary>
internal static class DocumentedPayloads
{
    public const string Sha = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";

    public static JsonObject Release() => Event("published", "release", new JsonObject
    {
        ["url"] = "https://api.github.com/repos/octo-org/octo-repo/releases/17372790",
        ["id"] = 17372790,
        ["tag_name"] = "0.0.1",
        ["target_commitish"] = "main",
        ["name"] = "",
        ["draft"] = false,
        ["author"] = Sender(),
        ["prerelease"] = false,
        ["assets"] = new JsonArray(),
        ["body"] = "",
    });

    public static JsonObject Deployment() => Event("created", "deployment", new JsonObject
    {
        ["url"] = "https://api.github.com/repos/octo-org/octo-repo/deployments/145988746",
        ["id"] = 145988746,
        ["sha"] = Sha,
        ["ref"] = "main",
        ["task"] = "deploy",
        ["payload"] = new JsonObject(),
        ["original_environment"] = "production",
        ["environment"] = "production",
        ["description"] = null,
        ["creator"] = Sender(),
    });

    private static JsonObject Event(string action, string name, JsonObject value)
    {
        var real = GitHubPayloads.Load("workflow_dispatch/payload.json");
        return new JsonObject
        {
            ["action"] = action,
            [name] = value,
            ["workflow"] = null,
            ["repository"] = real["repository"]!.DeepClone(),
            ["sender"] = Sender(),
        };
    }

    private static JsonNode Sender() => GitHubPayloads.Load("workflow_dispatch/payload.json")["sender"]!.DeepClone();
}
