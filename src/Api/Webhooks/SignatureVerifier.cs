using System.Security.Cryptography;
using System.Text;
using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// Checks GitHub's HMAC over the raw body: <c>X-Hub-Signature-256</c> against every configured secret (so a
/// secret can be rotated), in constant time; the SHA-1 <c>X-Hub-Signature</c> only when allowed.
/// </summary>
public sealed class SignatureVerifier(IOptions<HandlerOptions> options)
{
    public const string Sha256Header = "X-Hub-Signature-256";
    public const string Sha1Header = "X-Hub-Signature";

    /// <summary>Null when the body is signed by a configured secret (or insecure mode is on); otherwise why not.</summary>
    public string? Check(ReadOnlySpan<byte> body, string? sha256Signature, string? sha1Signature)
    {
        var settings = options.Value;
        if (settings.Insecure)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(sha256Signature))
        {
            return Matches(body, sha256Signature, "sha256=", (key, data) => HMACSHA256.HashData(key, data)) ? null : "signature does not match";
        }

        if (!string.IsNullOrEmpty(sha1Signature))
        {
            if (!settings.AllowSha1Signature)
            {
                return $"only {Sha1Header} (SHA-1) was sent and Handler:AllowSha1Signature is off";
            }

            return Matches(body, sha1Signature, "sha1=", (key, data) => HMACSHA1.HashData(key, data)) ? null : "signature does not match";
        }

        return $"missing {Sha256Header}";
    }

    private bool Matches(ReadOnlySpan<byte> body, string header, string prefix, Func<byte[], byte[], byte[]> hmac)
    {
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] sent;
        try
        {
            sent = Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var data = body.ToArray();
        var matched = false;
        foreach (var secret in options.Value.WebhookSecrets.Where(s => s.Length > 0))
        {
            // Every secret is tried, so the time taken does not tell which one (if any) matched.
            matched |= CryptographicOperations.FixedTimeEquals(hmac(Encoding.UTF8.GetBytes(secret), data), sent);
        }

        return matched;
    }
}
