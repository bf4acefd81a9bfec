using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The GitHub App's key and the token it signs, and the settings under Handler:GitHub.</summary>
public sealed class GitHubAppTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly RSA _key = RSA.Create(2048);
    private readonly TempDirectory _directory = new("github-app");

    public void Dispose()
    {
        _key.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Jwt_IsRs256ByTheApp_IssuedAMinuteAgo_ExpiringInNineMinutes_AndVerifiesWithThePublicKey()
    {
        var token = AppJwt.Create(12345, _key, Now);

        var parts = token.Split('.');
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        Assert.Equal(("RS256", "JWT"), (header.GetProperty("alg").GetString(), header.GetProperty("typ").GetString()));
        Assert.Equal((12345L, Now.AddSeconds(-60).ToUnixTimeSeconds(), Now.AddMinutes(9).ToUnixTimeSeconds()),
            (claims.GetProperty("iss").GetInt64(), claims.GetProperty("iat").GetInt64(), claims.GetProperty("exp").GetInt64()));
        using var verifier = RSA.Create();
        verifier.ImportFromPem(_key.ExportRSAPublicKeyPem());
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Key_AsGitHubIssuesIt_OrAsPkcs8_OrFromAFile_Loads()
    {
        var file = _directory.Combine("app.pem");
        File.WriteAllText(file, _key.ExportRSAPrivateKeyPem());

        using var pkcs1 = AppKey.Load(App(key: _key.ExportRSAPrivateKeyPem()));
        using var pkcs8 = AppKey.Load(App(key: _key.ExportPkcs8PrivateKeyPem()));
        using var fromFile = AppKey.Load(App(file: file));

        Assert.All(new[] { pkcs1, pkcs8, fromFile }, k => Assert.Equal(_key.ExportRSAPublicKeyPem(), k.ExportRSAPublicKeyPem()));
    }

    [Fact]
    public void Key_ThatIsPublicOnly_Short_NotAKey_OrMissing_IsRefusedWithoutRepeatingIt()
    {
        using var small = RSA.Create(1024);
        var publicOnly = _key.ExportRSAPublicKeyPem();

        var problems = new[]
        {
            AppKey.Problem(App(key: publicOnly)),
            AppKey.Problem(App(key: small.ExportRSAPrivateKeyPem())),
            AppKey.Problem(App(key: "not a key")),
            AppKey.Problem(App(file: _directory.Combine("missing.pem"))),
        };

        Assert.StartsWith("Handler:GitHub:PrivateKey is not an unencrypted RSA private key", problems[0]);
        Assert.Equal("Handler:GitHub:PrivateKey is an RSA key of 1024 bits; GitHub's are 2048 bits or more.", problems[1]);
        Assert.StartsWith("Handler:GitHub:PrivateKey is not an unencrypted RSA private key", problems[2]);
        Assert.StartsWith($"Handler:GitHub:PrivateKeyFile '{_directory.Combine("missing.pem")}' cannot be read", problems[3]);
        Assert.DoesNotContain(problems, p => p!.Contains("BEGIN RSA PUBLIC KEY", StringComparison.Ordinal) || p.Contains(publicOnly[40..80], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/")]
    [InlineData("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    public void ApiUrl_Accepted_EndsInASlash(string configured, string expected)
    {
        Assert.True(GitHubApiUrl.TryParse(configured, out var url, out _));
        Assert.Equal(expected, url.ToString());
    }

    [Fact]
    public void Settings_ThatCannotWork_AreRefusedEachWithWhatToSet()
    {
        var validator = new GitHubOptionsValidator();
        string[] Problems(GitHubOptions o) => [.. validator.Validate(null, o).Failures ?? []];

        Assert.Empty(Problems(new GitHubOptions()));
        Assert.Empty(Problems(App(key: _key.ExportRSAPrivateKeyPem(), workflowUrl: "https://argo.example.com/workflows/{namespace}/{name}")));
        Assert.Equal(["Handler:GitHub:ApiUrl must be an absolute https:// (or, for a test server, http://) URL: set https://api.github.com (the default) or GitHub Enterprise Server's https://HOST/api/v3."],
            Problems(new GitHubOptions { ApiUrl = "ftp://api.github.com" }));
        Assert.StartsWith("Handler:GitHub:ApiUrl must carry no credentials", Assert.Single(Problems(new GitHubOptions { ApiUrl = "https://user:secret@api.github.com" })));
        Assert.StartsWith("Handler:GitHub:PrivateKey or PrivateKeyFile is set without Handler:GitHub:AppId", Assert.Single(Problems(new GitHubOptions { PrivateKey = "x" })));
        Assert.StartsWith("Handler:GitHub:AppId needs exactly one of", Assert.Single(Problems(new GitHubOptions { AppId = 1 })));
        Assert.StartsWith("Handler:GitHub:AppId needs exactly one of", Assert.Single(Problems(App(key: "x", file: "y"))));
        Assert.StartsWith("Handler:GitHub:AppId must be the App's id", Assert.Single(Problems(new GitHubOptions { AppId = -1, PrivateKey = _key.ExportRSAPrivateKeyPem() })));
        Assert.Equal(["Handler:GitHub:WorkflowUrl has the placeholder {uid}; only {namespace} and {name} are replaced: set a template such as https://argo.example.com/workflows/{namespace}/{name}."],
            Problems(new GitHubOptions { WorkflowUrl = "https://argo.example.com/{uid}" }));
        Assert.StartsWith("Handler:GitHub:WorkflowUrl must make an absolute", Assert.Single(Problems(new GitHubOptions { WorkflowUrl = "/workflows/{namespace}/{name}" })));
    }

    [Fact]
    public void WorkflowLink_EscapesWhatItPutsIn()
    {
        Assert.True(WorkflowLink.TryCreate("https://argo.example.com/workflows/{namespace}/{name}?tab=workflow", out var link, out _));

        Assert.Equal("https://argo.example.com/workflows/ci/build-abc12?tab=workflow", link.For("ci", "build-abc12"));
        Assert.Equal("https://argo.example.com/workflows/a%2Fb/c%3Fd?tab=workflow", link.For("a/b", "c?d"));
    }

    private static GitHubOptions App(string? key = null, string? file = null, string? workflowUrl = null) =>
        new() { AppId = 42, PrivateKey = key, PrivateKeyFile = file, WorkflowUrl = workflowUrl };
}
