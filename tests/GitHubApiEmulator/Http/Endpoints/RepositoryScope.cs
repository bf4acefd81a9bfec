using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Endpoints;

/// <summary>
/// The repository of a <c>/repos/{owner}/{repo}/...</c> call, if the caller may use it: a personal token reaches
/// every repository; an installation token only those of its installation (others are 404, as GitHub hides them),
/// and only with the permission the endpoint needs (else 403 "Resource not accessible by integration").
/// </summary>
public static class RepositoryScope
{
    public static (RepositoryRecord? Repository, ApiAnswer? Refusal) Resolve(ApiCall call, Catalog catalog, string permission, bool write)
    {
        var repository = catalog.Repository(call.Path("owner"), call.Path("repo"));
        if (repository is null)
        {
            return (null, GitHubErrors.NotFound(call.Operation.DocumentationUrl));
        }

        if (call.Identity.Kind != IdentityKind.Installation)
        {
            return (repository, null);
        }

        var token = call.Token!;
        if (!token.Repositories.Contains(repository.FullName, StringComparer.OrdinalIgnoreCase))
        {
            return (null, GitHubErrors.NotFound(call.Operation.DocumentationUrl));
        }

        var level = token.Permissions.GetValueOrDefault(permission);
        return level is null || (write && level != "write")
            ? (null, GitHubErrors.Error(403, "Resource not accessible by integration", call.Operation.DocumentationUrl))
            : (repository, null);
    }

    /// <summary>Who a status or check run is credited to: the token's user, or the App's bot.</summary>
    public static Actor Actor(ApiCall call, Catalog catalog) =>
        call.Identity.Kind == IdentityKind.Installation && catalog.App(call.Identity.AppId!.Value) is { } app
            ? AccountShapes.Bot(app)
            : new Actor(call.Identity.Name, 583_231, "User");
}
