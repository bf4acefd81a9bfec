using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.GitHub;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Hosting;

/// <summary>
/// The git mirror's credentials are GitHub's (<see cref="IGitHubCredentials"/>): the configured token, or the App's
/// installation token for the delivery's one repository. Its git host is the one <c>Handler:GitHub:ApiUrl</c> names
/// (<see cref="GitHubApiUrl.GitHost"/>). With neither a token nor an App configured, fetches are anonymous.
/// </summary>
public sealed class GitHubFetchCredentials(IGitHubCredentials credentials, IOptions<GitHubOptions> options) : IFetchCredentials
{
    private readonly bool _configured = options.Value.IsApp || options.Value.Token is { Length: > 0 };

    public string? GitHost { get; } = GitHubApiUrl.TryParse(options.Value.ApiUrl, out var apiUrl, out _) ? GitHubApiUrl.GitHost(apiUrl) : null;

    public async ValueTask<FetchCredential?> ForRepositoryAsync(RepositoryKey repository, long? installation, CancellationToken cancellationToken) =>
        _configured ? new Issued(await credentials.ForInstallationAsync(installation, repository, cancellationToken).ConfigureAwait(false)) : null;

    public bool Refused(FetchCredential credential) => credential is Issued issued && credentials.Invalidate(issued.Credential);

    /// <summary>A GitHub credential as the mirror sends it.</summary>
    private sealed class Issued(GitHubCredential credential) : FetchCredential(credential.Token, credential.ToString())
    {
        public GitHubCredential Credential => credential;
    }
}
