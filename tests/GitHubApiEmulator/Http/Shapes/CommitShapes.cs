using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;

/// <summary>Commit statuses, the combined status and check runs as GitHub's JSON has them.</summary>
public sealed class CommitShapes(AccountShapes accounts)
{
    public string Api => accounts.Api;

    public JsonObject Status(CommitStatus status) => new()
    {
        ["url"] = $"{Api}/repos/{status.Repository}/statuses/{status.Sha}", ["avatar_url"] = $"{Api}/avatars/{status.Creator.Login}",
        ["id"] = status.Id, ["node_id"] = AccountShapes.NodeId("SC", status.Id), ["state"] = status.State,
        ["description"] = status.Description, ["target_url"] = status.TargetUrl, ["context"] = status.Context,
        ["created_at"] = AccountShapes.Time(status.CreatedAt), ["updated_at"] = AccountShapes.Time(status.CreatedAt),
        ["creator"] = accounts.User(status.Creator),
    };

    public JsonObject Combined(RepositoryRecord repository, string sha, IReadOnlyList<CommitStatus> latest)
    {
        var statuses = new JsonArray();
        foreach (var status in latest)
        {
            var shape = Status(status);
            shape.Remove("creator");
            statuses.Add(shape);
        }

        return new JsonObject
        {
            ["state"] = StatusStore.Combine(latest), ["statuses"] = statuses, ["sha"] = sha, ["total_count"] = latest.Count,
            ["repository"] = accounts.Repository(repository),
            ["commit_url"] = $"{Api}/repos/{repository.FullName}/commits/{sha}",
            ["url"] = $"{Api}/repos/{repository.FullName}/commits/{sha}/status",
        };
    }

    public JsonObject CheckRun(CheckRun run, AppRecord? app)
    {
        var url = $"{Api}/repos/{run.Repository}/check-runs/{run.Id}";
        return new JsonObject
        {
            ["id"] = run.Id, ["node_id"] = AccountShapes.NodeId("CR", run.Id), ["head_sha"] = run.HeadSha, ["name"] = run.Name,
            ["external_id"] = run.ExternalId ?? "", ["url"] = url, ["html_url"] = $"{Api}/{run.Repository}/runs/{run.Id}",
            ["details_url"] = run.DetailsUrl, ["status"] = run.Status, ["conclusion"] = run.Conclusion,
            ["started_at"] = run.StartedAt is { } started ? AccountShapes.Time(started) : null,
            ["completed_at"] = run.CompletedAt is { } completed ? AccountShapes.Time(completed) : null,
            ["output"] = new JsonObject
            {
                ["title"] = run.Output.Title, ["summary"] = run.Output.Summary, ["text"] = run.Output.Text,
                ["annotations_count"] = 0, ["annotations_url"] = $"{url}/annotations",
            },
            ["check_suite"] = new JsonObject { ["id"] = run.CheckSuiteId },
            ["app"] = app is null ? null : accounts.App(app),
            ["pull_requests"] = new JsonArray(),
        };
    }
}
