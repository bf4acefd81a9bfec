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
        var value = location.Evaluate(root) is { } found ? Shorten(found.GetRawText()) : "null";
        var schemaPath = string.Join("/", Enumerable.Range(0, location.SegmentCount)
            .Select(i => location[i].ToString())
            .Select(segment => segment.All(char.IsAsciiDigit) ? "items" : $"properties/{segment}"));
        var message = keyword switch
        {
            "required" => $"{Between(libraryMessage, '[', ']')} wasn't supplied.",
            "enum" => $"For '{schemaPath}', {value} is not a member of enum.",
            "type" => $"For '{schemaPath}', {value} is not a {Expected(libraryMessage)}.",
            "maxLength" or "maxItems" or "format" => $"For '{schemaPath}', {value} {libraryMessage.Replace("Value ", "", StringComparison.Ordinal)}",
            _ => $"For '{schemaPath}', {value}: {libraryMessage}",
        };
        return new Violation(place, message);
    }

    /// <summary>The types JsonSchema.Net says a value should be (<c>... should be "string, null"</c>), as "string or null".</summary>
    private static string Expected(string libraryMessage)
    {
        var should = libraryMessage.LastIndexOf("should be", StringComparison.Ordinal);
        return should < 0 ? libraryMessage : Between(libraryMessage[should..], '"', '"').Replace(", ", " or ", StringComparison.Ordinal);
    }

    private static string Between(string text, char open, char close)
    {
        var start = text.IndexOf(open, StringComparison.Ordinal);
        var end = text.LastIndexOf(close);
        return start >= 0 && end > start ? text[(start + 1)..end] : text;
    }

    /// <summary>A value as the message quotes it, cut to a readable length (a too-long summary is 65,536 characters).</summary>
    private static string Shorten(string json) => json.Length <= 60 ? json : json[..57] + "...";
}
