using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// Checks GitHub's HMAC over the raw body: <c>X-Hub-Signature-256</c> against every configured secret (so a
/// secret can be rotated), in constant time; the SHA-1 <c>X-Hub-Signature</c> only when allowed. The body is
/// hashed as it is read (<see cref="Begin"/>), so it never has to be held whole to be checked.
/// </summary>
public sealed class SignatureVerifier(IOptions<WebhookOptions> options)
{
    public const string Sha256Header = "X-Hub-Signature-256";
    public const string Sha1Header = "X-Hub-Signature";

    /// <summary>
    /// Starts checking one delivery from its signature headers alone. A missing or malformed signature is
    /// refused here, before any of the body is read; otherwise the check is fed the body as it arrives.
    /// </summary>
    public SignatureCheck Begin(string? sha256Signature, string? sha1Signature)
    {
        var settings = options.Value;
        if (settings.Insecure)
        {
            return SignatureCheck.Unchecked;
        }

        if (!string.IsNullOrEmpty(sha256Signature))
        {
            return Expected(sha256Signature, "sha256=", SHA256.HashSizeInBytes) is { } sent
                ? SignatureCheck.Start(HashAlgorithmName.SHA256, Keys(settings), sent)
                : SignatureCheck.Refuse($"{Sha256Header} is not sha256= followed by {SHA256.HashSizeInBytes * 2} hex digits");
        }

        if (!string.IsNullOrEmpty(sha1Signature))
        {
            if (!settings.AllowSha1Signature)
            {
                return SignatureCheck.Refuse($"only {Sha1Header} (SHA-1) was sent and Handler:AllowSha1Signature is off");
            }

            return Expected(sha1Signature, "sha1=", SHA1.HashSizeInBytes) is { } sent
                ? SignatureCheck.Start(HashAlgorithmName.SHA1, Keys(settings), sent)
                : SignatureCheck.Refuse($"{Sha1Header} is not sha1= followed by {SHA1.HashSizeInBytes * 2} hex digits");
        }

        return SignatureCheck.Refuse($"missing {Sha256Header}");
    }

    /// <summary>Null when <paramref name="body"/> is signed by a configured secret (or insecure mode is on); otherwise why not.</summary>
    public string? Check(ReadOnlySpan<byte> body, string? sha256Signature, string? sha1Signature)
    {
        using var check = Begin(sha256Signature, sha1Signature);
        if (check.Refusal is { } refused)
        {
            return refused;
        }

        check.Append(body);
        return check.Finish();
    }

    private static byte[][] Keys(WebhookOptions settings) =>
        settings.WebhookSecrets.Where(s => s.Length > 0).Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>The digest a header claims, or null when the header is not the prefix and exactly that many hex digits.</summary>
    private static byte[]? Expected(string header, string prefix, int length)
    {
        if (!header.StartsWith(prefix, StringComparison.Ordinal) || header.Length != prefix.Length + (length * 2))
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
