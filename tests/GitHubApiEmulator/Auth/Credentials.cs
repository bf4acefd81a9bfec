using System.Security.Cryptography;

namespace K8sWebhookHandler.GitHubApiEmulator.Auth;

/// <summary>An installation access token as issued: for which installation, until when, for which repositories and permissions.</summary>
public sealed record IssuedToken(string Token, long InstallationId, DateTimeOffset ExpiresAt, IReadOnlyList<string> Repositories, IReadOnlyDictionary<string, string> Permissions);

/// <summary>
/// The tokens the emulator accepts: personal access tokens a test registers, and installation tokens it issued itself
/// (<c>ghs_</c> and 36 characters, as GitHub's), each valid for <see cref="InstallationTokenLifetime"/>. Thread-safe.
/// </summary>
public sealed class Credentials
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _personal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedToken> _issued = new(StringComparer.Ordinal);
    private TimeSpan _lifetime = TimeSpan.FromHours(1);

    /// <summary>How long an installation token is valid; GitHub's is one hour, tests make it seconds.</summary>
    public TimeSpan InstallationTokenLifetime
    {
        get
        {
            lock (_gate)
            {
                return _lifetime;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            lock (_gate)
            {
                _lifetime = value;
            }
        }
    }

    /// <summary>Every installation token issued so far, oldest first.</summary>
    public IReadOnlyList<IssuedToken> Issued
    {
        get
        {
            lock (_gate)
            {
                return [.. _issued.Values];
            }
        }
    }

    /// <summary>Accepts <paramref name="token"/> as the personal access token of <paramref name="login"/>, for every repository.</summary>
    public void AddPersonalToken(string token, string login = "octocat")
    {
        lock (_gate)
        {
            _personal[token] = login;
        }
    }

    public string? PersonalTokenOwner(string token)
    {
        lock (_gate)
        {
            return _personal.GetValueOrDefault(token);
        }
    }

    public IssuedToken? InstallationToken(string token)
    {
        lock (_gate)
        {
            return _issued.GetValueOrDefault(token);
        }
    }

    internal IssuedToken Issue(long installationId, DateTimeOffset now, IReadOnlyList<string> repositories, IReadOnlyDictionary<string, string> permissions)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var token = "ghs_" + RandomNumberGenerator.GetString(alphabet, 36);
        lock (_gate)
        {
            // GitHub gives expires_at to the second; rounded up, so that a token of one second is not born expired.
            var expires = DateTimeOffset.FromUnixTimeSeconds((long)Math.Ceiling((now + _lifetime).ToUnixTimeMilliseconds() / 1000.0));
            var issued = new IssuedToken(token, installationId, expires, repositories, permissions);
            _issued[token] = issued;
            return issued;
        }
    }
}
