using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;

/// <summary>Users, repositories, Apps and installations as GitHub's JSON has them, with every field the description requires.</summary>
public sealed class AccountShapes(string api)
{
    /// <summary>When every App and installation here was made: a fixed instant, so answers compare across runs.</summary>
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] RepositoryLinks =
    [
        "archive_url", "assignees_url", "blobs_url", "branches_url", "collaborators_url", "comments_url", "commits_url",
        "compare_url", "contents_url", "contributors_url", "deployments_url", "downloads_url", "events_url", "forks_url",
        "git_commits_url", "git_refs_url", "git_tags_url", "hooks_url", "issue_comment_url", "issue_events_url", "issues_url",
        "keys_url", "labels_url", "languages_url", "merges_url", "milestones_url", "notifications_url", "pulls_url",
        "releases_url", "stargazers_url", "statuses_url", "subscribers_url", "subscription_url", "tags_url", "teams_url", "trees_url",
    ];

    /// <summary>The API's base address, without a trailing slash.</summary>
    public string Api { get; } = api.TrimEnd('/');

    public JsonObject User(Actor actor)
    {
        var url = $"{Api}/users/{actor.Login}";
        return new JsonObject
        {
            ["login"] = actor.Login, ["id"] = actor.Id, ["node_id"] = NodeId("U", actor.Id),
            ["avatar_url"] = $"{Api}/avatars/{actor.Login}", ["gravatar_id"] = "", ["url"] = url, ["html_url"] = $"{Api}/{actor.Login}",
            ["followers_url"] = $"{url}/followers", ["following_url"] = $"{url}/following{{/other_user}}",
            ["gists_url"] = $"{url}/gists{{/gist_id}}", ["starred_url"] = $"{url}/starred{{/owner}}{{/repo}}",
            ["subscriptions_url"] = $"{url}/subscriptions", ["organizations_url"] = $"{url}/orgs", ["repos_url"] = $"{url}/repos",
            ["events_url"] = $"{url}/events{{/privacy}}", ["received_events_url"] = $"{url}/received_events",
            ["type"] = actor.Type, ["site_admin"] = false,
        };
    }

    public JsonObject Repository(RepositoryRecord repository)
    {
        var url = $"{Api}/repos/{repository.FullName}";
        var shape = new JsonObject
        {
            ["id"] = repository.Id, ["node_id"] = NodeId("R", repository.Id), ["name"] = repository.Name,
            ["full_name"] = repository.FullName, ["owner"] = User(Owner(repository.Owner)), ["private"] = repository.Private,
            ["html_url"] = $"{Api}/{repository.FullName}", ["description"] = null, ["fork"] = false, ["url"] = url,
        };
        foreach (var link in RepositoryLinks)
        {
            shape[link] = $"{url}/{link[..^4].Replace('_', '/')}";
        }

        return shape;
    }

    public JsonObject App(AppRecord app) => new()
    {
        ["id"] = app.Id, ["slug"] = app.Slug, ["node_id"] = NodeId("A", app.Id), ["owner"] = User(Owner(app.OwnerLogin)),
        ["name"] = app.Name, ["description"] = "Runs the workflows of .ci/workflow.yaml", ["external_url"] = $"{Api}/apps/{app.Slug}/home",
        ["html_url"] = $"{Api}/apps/{app.Slug}", ["created_at"] = Time(Epoch), ["updated_at"] = Time(Epoch),
        ["permissions"] = Permissions(Catalog.DefaultPermissions), ["events"] = new JsonArray("push", "check_run", "check_suite"),
    };

    public JsonObject Installation(InstallationRecord installation, AppRecord app) => new()
    {
        ["id"] = installation.Id, ["account"] = User(Owner(installation.Account)), ["repository_selection"] = "selected",
        ["access_tokens_url"] = $"{Api}/app/installations/{installation.Id}/access_tokens",
        ["repositories_url"] = $"{Api}/installation/repositories", ["html_url"] = $"{Api}/settings/installations/{installation.Id}",
        ["app_id"] = app.Id, ["app_slug"] = app.Slug, ["target_id"] = Owner(installation.Account).Id, ["target_type"] = "Organization",
        ["permissions"] = Permissions(installation.Permissions), ["events"] = new JsonArray("push", "check_run", "check_suite"),
        ["created_at"] = Time(Epoch), ["updated_at"] = Time(Epoch), ["single_file_name"] = null,
        ["suspended_by"] = null, ["suspended_at"] = null,
    };

    /// <summary>The bot user an App acts as (<c>slug[bot]</c>), the creator of what its installation tokens make.</summary>
    public static Actor Bot(AppRecord app) => new($"{app.Slug}[bot]", 41_000_000 + app.Id, "Bot");

    public static JsonObject Permissions(IReadOnlyDictionary<string, string> permissions) =>
        new(permissions.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

    /// <summary>A time as GitHub writes it: UTC, to the second, with a Z.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string NodeId(string prefix, long id) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{prefix}_{id}"));

    /// <summary>An account by its login, with an id derived from it: the same in every process and run.</summary>
    private static Actor Owner(string login) =>
        new(login, 9_000_000 + login.Aggregate(17L, (hash, c) => ((hash * 31) + char.ToLowerInvariant(c)) % 1_000_000), "Organization");
}
