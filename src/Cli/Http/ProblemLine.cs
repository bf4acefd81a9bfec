using System.Text.Json;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Cli.Http;

/// <summary>An error answer as one line for stderr: the status, the problem's title, and its detail or field errors.</summary>
internal static class ProblemLine
{
    private const int MaxLength = 500;

    public static string Format(ApiAnswer answer, bool tokenSent)
    {
        var (title, detail) = Read(answer.Body);
        var line = $"{answer.Status} {title ?? Reason(answer.Status)}";
        if (!string.IsNullOrWhiteSpace(detail))
        {
            line += ": " + detail;
        }

        if (answer.Status == 401 && !tokenSent)
        {
            line += $" (no token was sent: pass --token or set ${CliSettings.TokenVariable})";
        }

        line = string.Join(' ', line.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= MaxLength ? line : line[..MaxLength] + "...";
    }

    private static (string? Title, string? Detail) Read(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject problem)
            {
                var detail = Text(problem["detail"]) ?? Text(problem["error"]);
                var errors = problem["errors"] is JsonObject fields
                    ? string.Join("; ", fields.Select(f => $"{f.Key}: {string.Join(", ", (f.Value as JsonArray ?? []).Select(Text))}"))
                    : null;
                return (Text(problem["title"]), string.Join("; ", new[] { detail, errors }.Where(s => !string.IsNullOrEmpty(s))));
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, plain text): shown as it is.
        }

        return (null, body.Trim());
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();

    private static string Reason(int status) =>
        Enum.IsDefined(typeof(System.Net.HttpStatusCode), status) ? SplitWords(((System.Net.HttpStatusCode)status).ToString()) : "error";

    private static string SplitWords(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + c : c.ToString()));
}
