using System.Security.Cryptography;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// One delivery's signature check, fed the body as it is read: an HMAC per configured secret, compared at the
/// end in constant time. Made by <see cref="SignatureVerifier.Begin"/>.
/// </summary>
public sealed class SignatureCheck : IDisposable
{
    private const string Mismatch = "signature does not match";

    private readonly IncrementalHash[] _hashes;
    private readonly byte[] _sent;
    private readonly bool _insecure;

    private SignatureCheck(string? refusal, IncrementalHash[] hashes, byte[] sent, bool insecure = false)
    {
        Refusal = refusal;
        _hashes = hashes;
        _sent = sent;
        _insecure = insecure;
    }

    /// <summary>Insecure mode: every body passes.</summary>
    internal static SignatureCheck Unchecked => new(null, [], [], insecure: true);

    /// <summary>Why the headers alone refuse the delivery; null when the body is to be checked.</summary>
    public string? Refusal { get; }

    internal static SignatureCheck Refuse(string reason) => new(reason, [], []);

    internal static SignatureCheck Start(HashAlgorithmName algorithm, byte[][] keys, byte[] sent) =>
        new(null, keys.Select(key => IncrementalHash.CreateHMAC(algorithm, key)).ToArray(), sent);

    /// <summary>Hashes the next part of the body.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        foreach (var hash in _hashes)
        {
            hash.AppendData(data);
        }
    }

    /// <summary>Null when the body seen so far is signed by one of the secrets (or nothing is checked); otherwise why not.</summary>
    public string? Finish()
    {
        if (Refusal is not null)
        {
            return Refusal;
        }

        if (_insecure)
        {
            return null;
        }

        var matched = false;
        Span<byte> mac = stackalloc byte[64];
        foreach (var hash in _hashes)
        {
            // Every secret is tried, so the time taken does not tell which one (if any) matched.
            var written = hash.GetHashAndReset(mac);
            matched |= CryptographicOperations.FixedTimeEquals(mac[..written], _sent);
        }

        return matched ? null : Mismatch;
    }

    public void Dispose()
    {
        foreach (var hash in _hashes)
        {
            hash.Dispose();
        }
    }
}
