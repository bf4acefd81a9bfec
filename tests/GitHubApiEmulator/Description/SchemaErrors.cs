using System.Text.Json;
using Json.Pointer;
using Json.Schema;

namespace K8sWebhookHandler.GitHubApiEmulator.Description;

/// <summary>Evaluates an instance against a compiled schema and words each failure as GitHub's 422 answers do.</summary>
public static class SchemaErrors
{
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>The violations of <paramref name="instance"/>, each placed under <paramref name="where"/> (such as <c>body</c>).</summary>
    public static IReadOnlyList<Violation> Of(JsonSchema schema, JsonElement instance, string where)
    {
        var results = schema.Evaluate(instance, Options);
        if (results.IsValid)
        {
            return [];
        }

        return (results.Details ?? [])
            .Prepend(results)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => Word(where, d.InstanceLocation, e.Key, e.Value, instance)))
            .Distinct()
            .ToArray();
    }

    private static Violation Word(string where, JsonPointer location, string keyword, string libraryMessage, JsonElement root)
    {
        var place = where + location.ToString().TrimEnd('/');
        var value = location.Evaluate(root) is { } found ? found.GetRawText() : "null";
        var properties = "properties/" + string.Join("/properties/", Enumerable.Range(0, location.SegmentCount).Select(i => location[i].ToString()));
        var message = keyword switch
        {
            "required" => $"{libraryMessage.Replace("Required properties ", "", StringComparison.Ordinal)} wasn't supplied.",
            "enum" => $"For '{properties}', {value} is not a member of enum.",
            "type" => $"For '{properties}', {value} is not {libraryMessage[(libraryMessage.LastIndexOf("should be ", StringComparison.Ordinal) + 10)..].Trim('"').Replace(", ", " or ", StringComparison.Ordinal)}.",
            "maxLength" => $"For '{properties}', {value} is too long ({libraryMessage}).",
            _ => $"For '{properties}', {value}: {libraryMessage} ({keyword}).",
        };
        return new Violation(place, message);
    }
}
