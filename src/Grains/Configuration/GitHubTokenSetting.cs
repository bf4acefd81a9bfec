using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>
/// The token setting kept from before <c>Handler:GitHub</c>: <c>Handler:GitHubToken</c>, else the Go handler's
/// <c>GITHUB_TOKEN</c>; null when neither is set. It is <c>Handler:GitHub:Token</c> when that is unset, and so the
/// credential of the API and of the git mirror alike.
/// </summary>
public static class GitHubTokenSetting
{
    public static string? Read(IConfiguration configuration) =>
        configuration["Handler:GitHubToken"] is { Length: > 0 } token ? token
        : configuration["GITHUB_TOKEN"] is { Length: > 0 } environment ? environment
        : null;
}
