using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>
/// The one token setting the git mirror and the GitHub API share: <c>Handler:GitHubToken</c>, else the Go handler's
/// <c>GITHUB_TOKEN</c>; null when neither is set.
/// </summary>
public static class GitHubTokenSetting
{
    public static string? Read(IConfiguration configuration) =>
        configuration["Handler:GitHubToken"] is { Length: > 0 } token ? token
        : configuration["GITHUB_TOKEN"] is { Length: > 0 } environment ? environment
        : null;
}
