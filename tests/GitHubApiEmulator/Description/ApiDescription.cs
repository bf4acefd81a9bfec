using K8sWebhookHandler.Testing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace K8sWebhookHandler.GitHubApiEmulator.Description;

/// <summary>What the description says of one request's method and path.</summary>
public sealed record RouteMatch(DescribedOperation? Operation, IReadOnlyDictionary<string, string> PathValues, Violation? Violation);

/// <summary>
/// GitHub's OpenAPI description (by default <c>../shared/fixtures/github-openapi/api.github.com.subset.json</c>), read
/// with Microsoft.OpenApi: the operations, their parameters and their request and response schemas.
/// </summary>
public sealed class ApiDescription
{
    private ApiDescription(IReadOnlyList<DescribedOperation> operations) => Operations = operations;

    public IReadOnlyList<DescribedOperation> Operations { get; }

    /// <summary>Reads the description at <paramref name="path"/> (default: the shared fixture); fails on any reading error.</summary>
    public static ApiDescription Load(string? path = null)
    {
        path ??= RepositoryPaths.GitHubOpenApiDescription;
        var settings = new OpenApiReaderSettings();
        settings.AddJsonReader();
        using var stream = new MemoryStream(File.ReadAllBytes(path));
        var (document, diagnostic) = OpenApiDocument.Load(stream, "json", settings);
        if (document is null || diagnostic?.Errors.Count > 0)
        {
            var errors = string.Join("; ", diagnostic?.Errors.Select(e => e.ToString()) ?? []);
            throw new InvalidDataException($"{path} is not a readable OpenAPI description: {errors}");
        }

        var operations = new List<DescribedOperation>();
        foreach (var (template, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                // Parameters of the path item apply to each operation unless the operation names its own.
                var own = operation.Parameters ?? [];
                var inherited = (item.Parameters ?? []).Where(p => !own.Any(o => o.Name == p.Name && o.In == p.In));
                operations.Add(new DescribedOperation(method.Method.ToUpperInvariant(), template, operation, own.Concat(inherited)));
            }
        }

        return new ApiDescription(operations);
    }

    /// <summary>The operation <paramref name="method"/> on <paramref name="path"/> (the path as GitHub.com has it, no <c>/api/v3</c>).</summary>
    public RouteMatch Route(string method, string path)
    {
        var candidates = Operations
            .Select(o => (Operation: o, Values: o.Template.Match(path)))
            .Where(c => c.Values is not null)
            .OrderByDescending(c => c.Operation.Template.LiteralLength)
            .ToArray();
        if (candidates.Length == 0)
        {
            return new RouteMatch(null, new Dictionary<string, string>(), new Violation("route", $"no path of the description matches {path}"));
        }

        var byMethod = candidates.FirstOrDefault(c => c.Operation.Method == method);
        return byMethod.Operation is null
            ? new RouteMatch(null, new Dictionary<string, string>(), new Violation("route", $"the description has no {method} on {candidates[0].Operation.Template}"))
            : new RouteMatch(byMethod.Operation, byMethod.Values!, null);
    }

    /// <summary>The operation with this <paramref name="operationId"/>; throws if the description has none.</summary>
    public DescribedOperation Operation(string operationId) =>
        Operations.FirstOrDefault(o => o.OperationId == operationId)
            ?? throw new ArgumentException($"the description has no operation {operationId}", nameof(operationId));
}
