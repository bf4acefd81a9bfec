using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Endpoints;

/// <summary>Commit statuses: create, list for a ref, and the combined status.</summary>
public sealed class StatusEndpoints(Catalog catalog, StatusStore statuses, CommitShapes shapes)
{
    public void Register(EndpointTable table) => table
        .Map("repos/create-commit-status", Access.Token, Create)
        .Map("repos/list-commit-statuses-for-ref", Access.Token, List)
        .Map("repos/get-combined-status-for-ref", Access.Token, Combined);

    private ApiAnswer Create(ApiCall call)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "statuses", write: true);
        if (repository is null)
        {
            return refusal!;
        }

        var status = statuses.Add(repository.FullName, call.Path("sha"), call.Text("state")!, call.Text("target_url"),
            call.Text("description"), call.Text("context") ?? "default", RepositoryScope.Actor(call, catalog), call.Now);
        if (status is null)
        {
            return GitHubErrors.ValidationFailed("Status", "custom", null,
                "This SHA and context has reached the maximum number of statuses.", call.Operation.DocumentationUrl);
        }

        var shape = shapes.Status(status);
        return new ApiAnswer(201, shape, new Dictionary<string, string> { ["Location"] = shape["url"]!.GetValue<string>() });
    }

    private ApiAnswer List(ApiCall call)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "statuses", write: false);
        if (repository is null)
        {
            return refusal!;
        }

        var all = statuses.For(repository.FullName, call.Path("ref"));
        var (page, link) = Pagination.Page(call, all, $"{shapes.Api}/repos/{repository.FullName}/commits/{Uri.EscapeDataString(call.Path("ref"))}/statuses");
        var body = new JsonArray([.. page.Select(s => (JsonNode)shapes.Status(s))]);
        return new ApiAnswer(200, body, link);
    }

    private ApiAnswer Combined(ApiCall call)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "statuses", write: false);
        return repository is null
            ? refusal!
            : new ApiAnswer(200, shapes.Combined(repository, call.Path("ref"), statuses.Latest(repository.FullName, call.Path("ref"))));
    }
}

/// <summary>GitHub's pagination: <c>per_page</c> (default 30, at most 100) and <c>page</c>, with a <c>Link</c> header to the next and last pages.</summary>
public static class Pagination
{
    public static (IReadOnlyList<T> Page, IReadOnlyDictionary<string, string>? Link) Page<T>(ApiCall call, IReadOnlyList<T> all, string url)
    {
        var size = Math.Clamp(call.QueryInt("per_page", 30), 1, 100);
        var number = Math.Max(call.QueryInt("page", 1), 1);
        var page = all.Skip((number - 1) * size).Take(size).ToArray();
        var last = Math.Max((all.Count + size - 1) / size, 1);
        if (number >= last)
        {
            return (page, null);
        }

        string At(int n) => $"<{url}?per_page={size}&page={n.ToString(CultureInfo.InvariantCulture)}>";
        return (page, new Dictionary<string, string> { ["Link"] = $"{At(number + 1)}; rel=\"next\", {At(last)}; rel=\"last\"" });
    }
}
