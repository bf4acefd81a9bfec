using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Auth;

/// <summary>The outcome of reading a request's credentials: who it is, or GitHub's 401 message.</summary>
public sealed record Authentication(Identity? Identity, string? Error, IssuedToken? Token = null);

/// <summary>
/// Reads the <c>Authorization</c> header as GitHub does: <c>token X</c> or <c>Bearer X</c> for a personal access token or
/// an installation token; <c>Bearer</c> with a JWT for the App itself. An unknown or expired token is "Bad credentials".
/// </summary>
public sealed class Authenticator(Catalog catalog, Credentials credentials)
{
    public const string BadCredentials = "Bad credentials";

    public Authentication Authenticate(string? authorization, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return new Authentication(Identity.Anonymous, null);
        }

        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? authorization : authorization[..space];
        var secret = space < 0 ? "" : authorization[(space + 1)..].Trim();
        var bearer = scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
        if (!bearer && !scheme.Equals("token", StringComparison.OrdinalIgnoreCase))
        {
            return new Authentication(null, BadCredentials);
        }

        if (bearer && secret.Count(c => c == '.') == 2)
        {
            var (app, error) = JwtVerifier.Verify(secret, catalog, now);
            return error is null ? new Authentication(new Identity(IdentityKind.App, app!.Slug, AppId: app.Id), null) : new Authentication(null, error);
        }

        if (credentials.PersonalTokenOwner(secret) is { } login)
        {
            return new Authentication(new Identity(IdentityKind.PersonalToken, login), null);
        }

        if (credentials.InstallationToken(secret) is { } issued && issued.ExpiresAt > now &&
            catalog.Installation(issued.InstallationId) is { } installation)
        {
            var identity = new Identity(IdentityKind.Installation, $"installation {installation.Id}", installation.AppId, installation.Id);
            return new Authentication(identity, null, issued);
        }

        return new Authentication(null, BadCredentials);
    }
}
