using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;

namespace K8sWebhookHandler.GitHubApiEmulator.Description;

/// <summary>
/// Turns an OpenAPI 3.0 schema into a JSON Schema (2020-12) that JsonSchema.Net evaluates. Microsoft.OpenApi does the
/// dialect change itself when it writes the schema as OpenAPI 3.1 (<c>nullable: true</c> becomes a type list with
/// <c>"null"</c>); one rule is added here: a nullable schema with an <c>enum</c> also accepts null, which is how
/// GitHub's description means it (a check run's <c>conclusion</c> is null until it completes).
/// </summary>
public static class SchemaCompiler
{
    public static JsonSchema Compile(IOpenApiSchema schema)
    {
        using var text = new StringWriter();
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        var node = JsonNode.Parse(text.ToString())!;
        AllowNullInNullableEnums(node);

        // The dialect of OpenAPI 3.1, where OpenAPI's own annotations (example, externalDocs) are unknown keywords that
        // are let through. A registry of its own: these schemas have no $id, and the global one must not collect them.
        return JsonSchema.FromText(node.ToJsonString(), new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() });
    }

    private static void AllowNullInNullableEnums(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject schema:
                if (schema["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null") &&
                    schema["enum"] is JsonArray values && !values.Any(v => v is null))
                {
                    values.Add(null);
                }

                foreach (var (_, child) in schema.ToArray())
                {
                    AllowNullInNullableEnums(child);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    AllowNullInNullableEnums(item);
                }

                break;
        }
    }
}
