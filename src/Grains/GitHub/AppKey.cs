using System.Security.Cryptography;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// A GitHub App's private key, from <c>Handler:GitHub:PrivateKey</c> (PEM text) or <c>PrivateKeyFile</c>: an RSA private
/// key of at least 2048 bits, PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>, as GitHub issues it) or PKCS#8. No message ever
/// contains the key.
/// </summary>
public static class AppKey
{
    public const int MinBits = 2048;

    /// <summary>Loads the key; throws <see cref="InvalidOperationException"/> saying what is wrong with it.</summary>
    public static RSA Load(GitHubOptions options)
    {
        var (setting, pem) = Pem(options);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            _ = rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"{setting} is not an unencrypted RSA private key in PEM form (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY), as GitHub issues it.", e);
        }

        if (rsa.KeySize < MinBits)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"{setting} is an RSA key of {rsa.KeySize} bits; GitHub's are {MinBits} bits or more.");
        }

        return rsa;
    }

    /// <summary>What is wrong with the configured key, or null.</summary>
    public static string? Problem(GitHubOptions options)
    {
        try
        {
            using var key = Load(options);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    private static (string Setting, string Pem) Pem(GitHubOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PrivateKey))
        {
            return ("Handler:GitHub:PrivateKey", options.PrivateKey);
        }

        const string setting = "Handler:GitHub:PrivateKeyFile";
        try
        {
            var info = new FileInfo(options.PrivateKeyFile!);
            return info.Length > 64 * 1024
                ? throw new InvalidOperationException($"{setting} '{options.PrivateKeyFile}' is larger than any private key (64 KiB).")
                : (setting, File.ReadAllText(info.FullName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"{setting} '{options.PrivateKeyFile}' cannot be read: {e.Message}", e);
        }
    }
}
