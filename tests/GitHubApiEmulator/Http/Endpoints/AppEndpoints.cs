using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Endpoints;

/// <summary>
/// The App's own endpoints (its JWT only): the App, its installations, a repository's installation, installation
/// tokens; and <c>GET /rate_limit</c> for anyone.
/// </summary>
public sealed class AppEndpoints(Catalog catalog, Credentials credentials, RateLimits limits, AccountShapes shapes)
{
    public void Register(EndpointTable table) => table
        .Map("apps/get-authenticated", Access.App, call => new ApiAnswer(200, shapes.App(catalog.App(call.Identity.AppId!.Value)!)))
        .Map("apps/get-installation", Access.App, GetInstallation)
        .Map("apps/get-repo-installation", Access.App, GetRepositoryInstallation)
        .Map("apps/create-installation-access-token", Access.App, CreateToken)
        .Map("rate-limit/get", Access.Anyone, RateLimit);

    private ApiAnswer GetInstallation(ApiCall call) =>
        OwnInstallation(call) is { } installation
            ? new ApiAnswer(200, shapes.Installation(installation, catalog.App(installation.AppId)!))
            : GitHubErrors.NotFound(call.Operation.DocumentationUrl);

    private ApiAnswer GetRepositoryInstallation(ApiCall call)
    {
        var repository = catalog.Repository(call.Path("owner"), call.Path("repo"));
        var installation = repository is null ? null : catalog.InstallationFor(call.Identity.AppId!.Value, repository.FullName);
        return installation is null
            ? GitHubErrors.NotFound(call.Operation.DocumentationUrl)
            : new ApiAnswer(200, shapes.Installation(installation, catalog.App(installation.AppId)!));
    }

    private ApiAnswer CreateToken(ApiCall call)
    {
        if (OwnInstallation(call) is not { } installation)
        {
            return GitHubErrors.NotFound(call.Operation.DocumentationUrl);
        }

        var names = Strings(call.Member("repositories"));
        var repositories = names is null
            ? installation.Repositories
            : installation.Repositories.Where(full => names.Contains(full[(full.IndexOf('/', StringComparison.Ordinal) + 1)..], StringComparer.OrdinalIgnoreCase)).ToArray();
        var asked = Permissions(call.Member("permissions"));
        if ((names is not null && repositories.Count != names.Count) || asked.Any(p => !Allowed(installation, p.Key, p.Value)))
        {
            return GitHubErrors.ValidationFailed("Installation", "custom", null,
                "There is at least one repository that does not exist or is not accessible to the parent installation.", call.Operation.DocumentationUrl);
        }

        var permissions = asked.Count > 0 ? asked : installation.Permissions;
        var token = credentials.Issue(installation.Id, call.Now, repositories, permissions);
        return new ApiAnswer(201, new JsonObject
        {
            ["token"] = token.Token, ["expires_at"] = AccountShapes.Time(token.ExpiresAt),
            ["permissions"] = AccountShapes.Permissions(permissions), ["repository_selection"] = names is null ? "all" : "selected",
        });
    }

    private ApiAnswer RateLimit(ApiCall call)
    {
        var core = limits.Peek(call.Identity, call.Now);
        JsonObject Rate(RateState s) => new() { ["limit"] = s.Limit, ["remaining"] = s.Remaining, ["reset"] = s.Reset.ToUnixTimeSeconds(), ["used"] = s.Used };
        var search = new RateState(30, 30, 0, call.Now.AddMinutes(1), "search");
        return new ApiAnswer(200, new JsonObject
        {
            ["resources"] = new JsonObject { ["core"] = Rate(core), ["search"] = Rate(search) },
            ["rate"] = Rate(core),
        });
    }

    private InstallationRecord? OwnInstallation(ApiCall call) =>
        catalog.Installation(call.PathId("installation_id")) is { } installation && installation.AppId == call.Identity.AppId ? installation : null;

    private static bool Allowed(InstallationRecord installation, string permission, string level) =>
        installation.Permissions.GetValueOrDefault(permission) is { } granted && (granted == "write" || level == "read");

    private static List<string>? Strings(JsonElement? array) =>
        array is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().Select(e => e.GetString()!).ToList() : null;

    private static Dictionary<string, string> Permissions(JsonElement? permissions) =>
        permissions is { ValueKind: JsonValueKind.Object } p ? p.EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString()!) : [];
}
