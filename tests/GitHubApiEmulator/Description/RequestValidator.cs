using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace K8sWebhookHandler.GitHubApiEmulator.Description;

/// <summary>
/// Checks one request against its operation: path and query parameters (a value as its schema's type would read it,
/// then the schema: enums, bounds) and the JSON body against the body's schema. Query parameters the description
/// does not name are let through, as GitHub does.
/// </summary>
public static class RequestValidator
{
    public static IReadOnlyList<Violation> Parameters(DescribedOperation operation, IReadOnlyDictionary<string, string> pathValues, IQueryCollection query)
    {
        var violations = new List<Violation>();
        foreach (var parameter in operation.Parameters)
        {
            string? text = parameter.In switch
            {
                ParameterLocation.Path => pathValues.GetValueOrDefault(parameter.Name),
                ParameterLocation.Query => query.TryGetValue(parameter.Name, out var v) ? v.ToString() : null,
                _ => null,
            };
            var where = $"{(parameter.In == ParameterLocation.Path ? "path" : "query")}/{parameter.Name}";
            if (text is null)
            {
                if (parameter.Required && parameter.In != ParameterLocation.Header)
                {
                    violations.Add(new Violation(where, $"\"{parameter.Name}\" wasn't supplied."));
                }

                continue;
            }

            using var value = JsonDocument.Parse(AsTyped(text, parameter.Type).ToJsonString());
            violations.AddRange(SchemaErrors.Of(parameter.Schema, value.RootElement, where));
        }

        return violations;
    }

    /// <summary>The body parsed and its violations; no body and a violation when it is not JSON; neither when an optional body is not sent.</summary>
    public static (JsonDocument? Body, IReadOnlyList<Violation> Violations) Body(DescribedOperation operation, string text)
    {
        if (text.Length == 0 && !operation.BodyRequired)
        {
            return (null, []);
        }

        // GitHub reads a missing required body as an empty object, and then names the fields that were not supplied.
        text = text.Length == 0 ? "{}" : text;

        JsonDocument body;
        try
        {
            body = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return (null, [new Violation("body", $"Problems parsing JSON: {e.Message}")]);
        }

        return (body, operation.BodySchema is { } schema ? SchemaErrors.Of(schema, body.RootElement, "body") : []);
    }

    /// <summary>A query or path string as the parameter's type reads it; one that does not read stays a string, which the schema then refuses.</summary>
    private static JsonNode AsTyped(string text, JsonSchemaType? type) => type switch
    {
        JsonSchemaType.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        JsonSchemaType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        JsonSchemaType.Boolean when bool.TryParse(text, out var b) => JsonValue.Create(b),
        _ => JsonValue.Create(text),
    };
}
