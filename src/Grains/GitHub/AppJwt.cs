using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// The JSON Web Token a GitHub App authenticates with (RS256): issued by the App's id, <c>iat</c> a minute in the past
/// (GitHub's advice against clock drift) and <c>exp</c> nine minutes after now, inside GitHub's ten-minute limit.
/// </summary>
public static class AppJwt
{
    /// <summary>How far <c>iat</c> is set back.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromSeconds(60);

    /// <summary>How long after now it expires.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT"}""");

    /// <summary>A token for the App <paramref name="appId"/>, signed with <paramref name="key"/>, valid from <paramref name="now"/>.</summary>
    public static string Create(long appId, RSA key, DateTimeOffset now)
    {
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, long>
        {
            ["iat"] = (now - Backdate).ToUnixTimeSeconds(),
            ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
            ["iss"] = appId,
        });
        var signed = $"{Base64Url.EncodeToString(Header)}.{Base64Url.EncodeToString(claims)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url.EncodeToString(signature)}";
    }
}
