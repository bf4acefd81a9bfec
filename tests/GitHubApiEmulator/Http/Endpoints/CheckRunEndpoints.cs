using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Endpoints;

/// <summary>
/// Check runs: create and update (an installation token with <c>checks: write</c> only, and only the App that made
/// the run may change it), get, and list for a ref. A conclusion completes the run; <c>completed</c> needs a conclusion.
/// </summary>
public sealed class CheckRunEndpoints(Catalog catalog, CheckRunStore runs, CommitShapes shapes)
{
    public void Register(EndpointTable table) => table
        .Map("checks/create", Access.Installation, Create)
        .Map("checks/update", Access.Installation, Update)
        .Map("checks/get", Access.Token, Get)
        .Map("checks/list-for-ref", Access.Token, ListForRef);

    private ApiAnswer Create(ApiCall call)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "checks", write: true);
        if (repository is null)
        {
            return refusal!;
        }

        var run = new CheckRun(0, repository.FullName, call.Text("head_sha")!, call.Text("name")!, call.Text("status") ?? "queued",
            null, call.Now, null, call.Text("details_url"), call.Text("external_id"), new CheckRunOutput(null, null, null),
            call.Identity.AppId!.Value, 0);
        var changed = Apply(call, run);
        return Refused(call, changed) ?? new ApiAnswer(201, Shape(runs.Add(changed.Run!)));
    }

    private ApiAnswer Update(ApiCall call)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "checks", write: true);
        if (repository is null)
        {
            return refusal!;
        }

        if (runs.Get(call.PathId("check_run_id")) is not { } run || !string.Equals(run.Repository, repository.FullName, StringComparison.OrdinalIgnoreCase))
        {
            return GitHubErrors.NotFound(call.Operation.DocumentationUrl);
        }

        if (run.AppId != call.Identity.AppId)
        {
            return GitHubErrors.Error(403, "Invalid app_id `" + call.Identity.AppId + "` - check run can only be modified by its creator.", call.Operation.DocumentationUrl);
        }

        var changed = Apply(call, run with { Name = call.Text("name") ?? run.Name, HeadSha = run.HeadSha });
        return Refused(call, changed) ?? new ApiAnswer(200, Shape(runs.Update(run.Id, _ => changed.Run!)!));
    }

    private ApiAnswer Get(ApiCall call)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "checks", write: false);
        if (repository is null)
        {
            return refusal!;
        }

        return runs.Get(call.PathId("check_run_id")) is { } run && string.Equals(run.Repository, repository.FullName, StringComparison.OrdinalIgnoreCase)
            ? new ApiAnswer(200, Shape(run))
            : GitHubErrors.NotFound(call.Operation.DocumentationUrl);
    }

    private ApiAnswer ListForRef(ApiCall call)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "checks", write: false);
        if (repository is null)
        {
            return refusal!;
        }

        var selected = runs.ForSha(repository.FullName, call.Path("ref"))
            .Where(r => call.QueryText("check_name") is not { } name || r.Name == name)
            .Where(r => call.QueryText("status") is not { } status || r.Status == status)
            .Where(r => call.QueryText("app_id") is not { } app || r.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture) == app)
            .ToArray();
        if (call.QueryText("filter") is null or "latest")
        {
            selected = selected.DistinctBy(r => r.Name).ToArray();
        }

        var (page, link) = Pagination.Page(call, selected, $"{shapes.Api}/repos/{repository.FullName}/commits/{Uri.EscapeDataString(call.Path("ref"))}/check-runs");
        var body = new JsonObject { ["total_count"] = selected.Length, ["check_runs"] = new JsonArray([.. page.Select(r => (JsonNode)Shape(r))]) };
        return new ApiAnswer(200, body, link);
    }

    /// <summary>The run with the body's fields applied, or why GitHub would refuse them.</summary>
    private static (CheckRun? Run, string? Field, string? Message) Apply(ApiCall call, CheckRun run)
    {
        if (call.Text("status") is "waiting" or "requested" or "pending")
        {
            return (null, "status", "Only GitHub Actions can set a status of waiting, pending, or requested.");
        }

        if (call.Text("conclusion") == "stale")
        {
            return (null, "conclusion", "You cannot change a check run conclusion to stale, only GitHub can set this.");
        }

        var conclusion = call.Text("conclusion") ?? run.Conclusion;
        var status = conclusion is not null ? "completed" : call.Text("status") ?? run.Status;
        if (status == "completed" && conclusion is null)
        {
            return (null, "conclusion", "conclusion is required when status is completed.");
        }

        DateTimeOffset? completedAt = status == "completed" ? call.Time("completed_at") ?? run.CompletedAt ?? call.Now : null;
        return (run with
        {
            Status = status, Conclusion = conclusion, CompletedAt = completedAt,
            StartedAt = call.Time("started_at") ?? run.StartedAt, DetailsUrl = call.Text("details_url") ?? run.DetailsUrl,
            ExternalId = call.Text("external_id") ?? run.ExternalId, Output = Output(call.Member("output"), run.Output),
        }, null, null);
    }

    private static ApiAnswer? Refused(ApiCall call, (CheckRun? Run, string? Field, string? Message) changed) =>
        changed.Run is null ? GitHubErrors.ValidationFailed("CheckRun", "invalid", changed.Field, changed.Message, call.Operation.DocumentationUrl) : null;

    private static CheckRunOutput Output(JsonElement? output, CheckRunOutput current)
    {
        string? Text(string name) => output is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return output is null ? current : new CheckRunOutput(Text("title") ?? current.Title, Text("summary") ?? current.Summary, Text("text") ?? current.Text);
    }

    private JsonObject Shape(CheckRun run) => shapes.CheckRun(run, catalog.App(run.AppId));
}
