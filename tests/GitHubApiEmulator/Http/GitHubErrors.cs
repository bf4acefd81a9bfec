using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Description;

namespace K8sWebhookHandler.GitHubApiEmulator.Http;

/// <summary>GitHub's error answers: <c>{"message", "documentation_url", "status"}</c>, with <c>errors</c> for "Validation Failed".</summary>
public static class GitHubErrors
{
    public const string GeneralDocumentation = "https://docs.github.com/rest";
    public const string RateLimitDocumentation = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";

    public static ApiAnswer Error(int status, string message, string? documentationUrl = null) =>
        new(status, Body(status, message, documentationUrl ?? GeneralDocumentation));

    public static ApiAnswer NotFound(string? documentationUrl = null) => Error(404, "Not Found", documentationUrl);

    /// <summary>The answer to a request that breaks the operation's schema: "Invalid request." and one line per failure.</summary>
    public static ApiAnswer InvalidRequest(IEnumerable<Violation> violations, string documentationUrl) =>
        Error(422, "Invalid request.\n\n" + string.Join("\n", violations.Select(v => v.Message)), documentationUrl);

    /// <summary>The answer to a request the schema allows but GitHub's own rules refuse.</summary>
    public static ApiAnswer ValidationFailed(string resource, string code, string? field, string? message, string documentationUrl)
    {
        var error = new JsonObject { ["resource"] = resource, ["code"] = code };
        if (field is not null)
        {
            error["field"] = field;
        }

        if (message is not null)
        {
            error["message"] = message;
        }

        var body = Body(422, "Validation Failed", documentationUrl);
        body["errors"] = new JsonArray(error);
        return new ApiAnswer(422, body);
    }

    private static JsonObject Body(int status, string message, string documentationUrl) => new()
    {
        ["message"] = message,
        ["documentation_url"] = documentationUrl,
        ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
