using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace K8sWebhookHandler.Hosting.Management;

/// <summary>
/// Checks a management request's credential against <see cref="ManagementOptions.Tokens"/> in constant time: a bearer
/// token, or the session cookie that <c>POST /api/session</c> gives for one (so that pages a browser opens itself, like
/// the Orleans dashboard, can be reached). The cookie holds a hash of the token, never the token, and is the same for
/// every replica. Only hashes are kept.
/// </summary>
public sealed class ManagementTokens
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "k8swh-management";

    private readonly byte[][] _bearers;
    private readonly byte[][] _sessions;

    public ManagementTokens(IEnumerable<string> tokens)
    {
        var list = tokens.ToList();
        _bearers = list.Select(t => Hash("bearer", t)).ToArray();
        _sessions = list.Select(t => Hash("session", t)).ToArray();
    }

    /// <summary>Whether a credential is needed at all.</summary>
    public bool Required => _bearers.Length > 0;

    /// <summary>Whether the request carries a valid bearer token or session cookie (always, when none is required).</summary>
    public bool Admits(HttpRequest request)
    {
        if (!Required)
        {
            return true;
        }

        if (BearerOf(request) is { } bearer)
        {
            return AnyEqual(_bearers, Hash("bearer", bearer));
        }

        return request.Cookies[CookieName] is { Length: 64 } cookie && IsHex(cookie) && AnyEqual(_sessions, Convert.FromHexString(cookie));
    }

    /// <summary>The session cookie's value for the request's bearer token, or null when it carries none that is valid.</summary>
    public string? SessionFor(HttpRequest request) =>
        BearerOf(request) is { } bearer && AnyEqual(_bearers, Hash("bearer", bearer)) ? Convert.ToHexStringLower(Hash("session", bearer)) : null;

    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length ? header[scheme.Length..].Trim() : null;
    }

    private static byte[] Hash(string purpose, string token) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"k8s-webhook-handler management {purpose}\n{token}"));

    /// <summary>Compares with every candidate, never stopping early, so the time taken says nothing about which matched.</summary>
    private static bool AnyEqual(byte[][] candidates, byte[] presented)
    {
        var found = false;
        foreach (var candidate in candidates)
        {
            found |= CryptographicOperations.FixedTimeEquals(candidate, presented);
        }

        return found;
    }

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);
}
