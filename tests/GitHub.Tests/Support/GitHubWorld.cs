using System.Security.Cryptography;
using System.Text;
using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.GitHubApiEmulator.Description;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests.Support;

/// <summary>
/// An emulator on fake time with one repository (<c>octo-org/hello</c>) and one elsewhere (<c>other-org/private</c>), a
/// personal token, and a GitHub App (with an RSA key made here) installed on <c>octo-org/hello</c> only.
/// </summary>
public sealed class GitHubWorld : IAsyncDisposable
{
    public const string Owner = "octo-org";
    public const string Repo = "hello";
    public const string PersonalToken = "ghp_personalTokenOfOctocat000000000000";
    public const long AppId = 424242;
    public const long InstallationId = 7001;
    public const string Sha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    private static readonly Lazy<ApiDescription> SharedDescription = new(() => ApiDescription.Load());

    private GitHubWorld(GitHubApiEmulatorServer emulator, FakeTimeProvider time, RSA appKey)
    {
        Emulator = emulator;
        Time = time;
        AppKey = appKey;
    }

    public GitHubApiEmulatorServer Emulator { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The App's private key; the emulator knows only its public half.</summary>
    public RSA AppKey { get; }

    /// <summary>The description, read once for every test.</summary>
    public static ApiDescription Description => SharedDescription.Value;

    public static async Task<GitHubWorld> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 18, 0, 0, TimeSpan.Zero));
        var emulator = await GitHubApiEmulatorServer.StartAsync(description: Description, time: time);
        var key = RSA.Create(2048);
        var publicKey = RSA.Create();
        publicKey.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        emulator.Catalog.AddRepository(Owner, Repo);
        emulator.Catalog.AddRepository("other-org", "private", isPrivate: true);
        emulator.Catalog.RegisterApp(AppId, publicKey);
        emulator.Catalog.AddInstallation(AppId, InstallationId, [$"{Owner}/{Repo}"]);
        emulator.Credentials.AddPersonalToken(PersonalToken, "octocat");
        return new GitHubWorld(emulator, time, key);
    }

    /// <summary>A JWT made with a token library (not the emulator's code), by default as GitHub asks: iat 60 s ago, exp 10 minutes after.</summary>
    public string Jwt(TimeSpan? issuedAgo = null, TimeSpan? lifetime = null, RSA? key = null, long? issuer = null) =>
        SignJwt(key ?? AppKey, issuer ?? AppId, Time.GetUtcNow() - (issuedAgo ?? TimeSpan.FromSeconds(60)), lifetime ?? TimeSpan.FromMinutes(10));

    /// <summary>An RS256 JWT with <c>iss</c>, <c>iat</c> and <c>exp</c>, signed by Microsoft.IdentityModel.</summary>
    public static string SignJwt(RSA key, long appId, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = appId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key), SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An Octokit client against the emulator (Octokit sends it under <c>/api/v3</c>, as to GitHub Enterprise).</summary>
    public GitHubClient Client(Credentials? credentials = null) =>
        new(new ProductHeaderValue("k8s-webhook-handler-tests"), Emulator.BaseUri) { Credentials = credentials ?? Credentials.Anonymous };

    public GitHubClient AppClient() => Client(new Credentials(Jwt(), AuthenticationType.Bearer));

    public GitHubClient TokenClient(string token = PersonalToken) => Client(new Credentials(token));

    /// <summary>An installation token made through Octokit with the App's JWT.</summary>
    public async Task<string> InstallationTokenAsync() => (await AppClient().GitHubApps.CreateInstallationToken(InstallationId)).Token;

    /// <summary>A raw request, for what no well-behaved client would send.</summary>
    public async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? json = null, string? authorization = "token " + PersonalToken, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var http = new HttpClient { BaseAddress = Emulator.BaseUri };
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        AppKey.Dispose();
    }
}
