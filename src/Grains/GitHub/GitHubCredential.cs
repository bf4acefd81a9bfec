using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>What a <see cref="GitHubCredential"/>'s token is.</summary>
public enum GitHubCredentialKind
{
    /// <summary>The token the operator configured (<c>Handler:GitHub:Token</c>, <c>Handler:GitHubToken</c> or <c>GITHUB_TOKEN</c>).</summary>
    ConfiguredToken,

    /// <summary>
    /// A GitHub App's installation token, valid for one repository of one installation until
    /// <see cref="GitHubCredential.ExpiresAt"/>.
    /// </summary>
    InstallationToken,
}

/// <summary>
/// The token to send to GitHub (as <c>Authorization: token …</c>, or to git as <c>x-access-token</c>) and what it is.
/// Its text form names the kind, the installation, the repository and the expiry, never the token.
/// </summary>
/// <param name="Token">The secret itself.</param>
/// <param name="Kind">A configured token or an installation token.</param>
/// <param name="Installation">The installation an installation token is for; null for a configured token.</param>
/// <param name="ExpiresAt">When an installation token expires; null for a configured token.</param>
/// <param name="Repository">The one repository an installation token may act on; null for a configured token.</param>
public sealed record GitHubCredential(string Token, GitHubCredentialKind Kind, long? Installation, DateTimeOffset? ExpiresAt, RepositoryKey? Repository = null)
{
    /// <summary>The configured token.</summary>
    public static GitHubCredential Configured(string token) => new(token, GitHubCredentialKind.ConfiguredToken, null, null);

    /// <summary>Describes the credential without its token.</summary>
    public override string ToString() => Kind == GitHubCredentialKind.ConfiguredToken
        ? "the configured token"
        : $"the token of installation {Installation} for {Repository} until {ExpiresAt:O}";
}
