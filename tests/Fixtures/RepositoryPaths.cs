namespace K8sWebhookHandler.Testing;

/// <summary>Where the repository and the shared fixtures are, found from the test's own location.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Orleans.sln was not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository root: the folder holding Orleans.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary><c>../shared/fixtures</c> beside the repository (read-only).</summary>
    public static string SharedFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    public static string ArgoWorkflows => Path.Combine(SharedFixtures, "argo-workflows");

    public static string GitHubWebhooks => Path.Combine(SharedFixtures, "github-webhooks");

    /// <summary>GitHub's own OpenAPI description (3.0.3) of the endpoints the handler may call.</summary>
    public static string GitHubOpenApiDescription =>
        Path.Combine(SharedFixtures, "github-openapi", "api.github.com.subset.json");
}
