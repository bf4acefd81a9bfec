using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Auth;

/// <summary>
/// Checks a GitHub App's JWT as GitHub does: RS256 only, signed with the key of the App named by <c>iss</c> (its id,
/// a number or a string of digits), <c>iat</c> not in the future beyond GitHub's 60 s of clock drift, <c>exp</c> not
/// passed and at most 10 minutes after <c>iat</c>. Written here rather than taken from a token library: those apply
/// one clock skew to every time claim and know nothing of GitHub's ten-minute rule, which is the point of the check.
/// </summary>
public static class JwtVerifier
{
    public const string Undecodable = "A JSON web token could not be decoded";
    public const string IatInvalid = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    public const string ExpPassed = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    public const string ExpTooFar = "'Expiration time' claim ('exp') is too far in the future";
    public const string IssInvalid = "'Issuer' claim ('iss') must be an Integer";

    public static readonly TimeSpan ClockDrift = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The App the token is from, or the message GitHub's 401 would give.</summary>
    public static (AppRecord? App, string? Error) Verify(string jwt, Catalog catalog, DateTimeOffset now)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || Json(parts[0]) is not { } header || Json(parts[1]) is not { } claims || Bytes(parts[2]) is not { } signature)
        {
            return (null, Undecodable);
        }

        using (header)
        using (claims)
        {
            if (Text(header.RootElement, "alg") != "RS256")
            {
                return (null, Undecodable);
            }

            if (!long.TryParse(Text(claims.RootElement, "iss"), out var appId))
            {
                return (null, IssInvalid);
            }

            var app = catalog.App(appId);
            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (app is null || !app.PublicKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return (null, Undecodable);
            }

            return (app, TimeRule(claims.RootElement, now));
        }
    }

    private static string? TimeRule(JsonElement claims, DateTimeOffset now)
    {
        if (Seconds(claims, "iat") is not { } iat || iat > now + ClockDrift)
        {
            return IatInvalid;
        }

        if (Seconds(claims, "exp") is not { } exp || exp <= now)
        {
            return ExpPassed;
        }

        return exp - iat > MaximumLifetime ? ExpTooFar : null;
    }

    private static DateTimeOffset? Seconds(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static JsonDocument? Json(string part)
    {
        try
        {
            return Bytes(part) is { } bytes ? JsonDocument.Parse(bytes) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[]? Bytes(string part)
    {
        try
        {
            return Convert.FromBase64String(part.Replace('-', '+').Replace('_', '/') + new string('=', (4 - part.Length % 4) % 4));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
