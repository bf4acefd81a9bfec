using Json.Schema;
using Microsoft.OpenApi;

namespace K8sWebhookHandler.GitHubApiEmulator.Description;

/// <summary>One parameter of an operation: where it goes, whether it must be there, and its schema.</summary>
public sealed class DescribedParameter(IOpenApiParameter parameter)
{
    private readonly Lazy<JsonSchema> _schema = new(() => SchemaCompiler.Compile(parameter.Schema!));

    public string Name { get; } = parameter.Name!;

    public ParameterLocation In { get; } = parameter.In ?? ParameterLocation.Query;

    public bool Required { get; } = parameter.Required;

    public JsonSchemaType? Type { get; } = parameter.Schema?.Type;

    public bool MultiSegment { get; } = parameter.Extensions?.ContainsKey("x-multi-segment") == true;

    public JsonSchema Schema => _schema.Value;
}

/// <summary>
/// One operation of the description (a method on a path): its parameters, its request body's schema and the schema of
/// each response. Schemas are compiled on first use, so an emulator starts without compiling the 38 paths' schemas.
/// </summary>
public sealed class DescribedOperation
{
    private readonly Lazy<JsonSchema?> _body;
    private readonly Dictionary<string, Lazy<JsonSchema?>> _responses;

    internal DescribedOperation(string method, string path, OpenApiOperation operation, IEnumerable<IOpenApiParameter> parameters)
    {
        Method = method;
        OperationId = operation.OperationId ?? $"{method} {path}";
        DocumentationUrl = operation.ExternalDocs?.Url?.ToString() ?? "https://docs.github.com/rest";
        Parameters = parameters.Select(p => new DescribedParameter(p)).ToArray();
        Template = PathTemplate.Parse(path, Parameters.Where(p => p.MultiSegment).Select(p => p.Name).ToHashSet());
        BodyRequired = operation.RequestBody?.Required == true;
        var bodySchema = JsonSchemaOf(operation.RequestBody?.Content);
        _body = new Lazy<JsonSchema?>(() => bodySchema is null ? null : SchemaCompiler.Compile(bodySchema));
        _responses = (operation.Responses ?? []).ToDictionary(
            r => r.Key,
            r => new Lazy<JsonSchema?>(() => JsonSchemaOf(r.Value.Content) is { } s ? SchemaCompiler.Compile(s) : null));
    }

    /// <summary>The HTTP method, upper case.</summary>
    public string Method { get; }

    public PathTemplate Template { get; }

    /// <summary>GitHub's name for the operation, such as <c>repos/create-commit-status</c>.</summary>
    public string OperationId { get; }

    /// <summary>The page GitHub's error answers point to for this operation.</summary>
    public string DocumentationUrl { get; }

    public IReadOnlyList<DescribedParameter> Parameters { get; }

    public bool BodyRequired { get; }

    /// <summary>The request body's schema, or null when the operation takes no JSON body.</summary>
    public JsonSchema? BodySchema => _body.Value;

    /// <summary>The statuses the description lists for this operation (<c>"201"</c>, <c>"404"</c>, ...).</summary>
    public IReadOnlyCollection<string> ResponseStatuses => _responses.Keys;

    /// <summary>The JSON schema of the answer with <paramref name="status"/>, or null when the description gives none.</summary>
    public JsonSchema? ResponseSchema(int status) =>
        _responses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var schema) ? schema.Value : null;

    public override string ToString() => $"{Method} {Template} ({OperationId})";

    private static IOpenApiSchema? JsonSchemaOf(IDictionary<string, IOpenApiMediaType>? content) =>
        content is not null && content.TryGetValue("application/json", out var media) ? media.Schema : null;
}
