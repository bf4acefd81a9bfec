using System.Security.Cryptography;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.GitHubApiEmulator.Description;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;
using K8sWebhookHandler.Grains.GitHub;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Octokit;
using Options = Microsoft.Extensions.Options.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>
/// The GitHub API emulator on fake time with the repositories <c>octo-org/hello</c>, <c>octo-org/sibling</c> and
/// <c>other-org/private</c>, a personal token, and a GitHub App (its RSA key made here) installed on the first two; and <see cref="GitHubCredentials"/> made from settings pointing at it.
/// </summary>
internal sealed class CredentialsWorld : IAsyncDisposable
{
    public const string Owner = "octo-org";
    public const string Repo = "hello";
    public const string PersonalToken = "ghp_personalTokenOfOctocat000000000000";
    public const long AppId = 424242;
    public const long Installation = 7001;
    public const string Sha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    /// <summary><c>octo-org/hello</c>, a repository the installation covers.</summary>
    public static readonly RepositoryKey Repository = RepositoryKey.Parse($"{Owner}/{Repo}");

    /// <summary><c>octo-org/sibling</c>, another repository the installation covers.</summary>
    public static readonly RepositoryKey Sibling = RepositoryKey.Parse($"{Owner}/sibling");

    /// <summary><c>other-org/private</c>, a repository the installation does not cover.</summary>
    public static readonly RepositoryKey Elsewhere = RepositoryKey.Parse("other-org/private");

    private static readonly Lazy<ApiDescription> Description = new(() => ApiDescription.Load());

    private readonly List<GitHubCredentials> _made = [];

    private CredentialsWorld(GitHubApiEmulatorServer emulator, FakeTimeProvider time, RSA appKey) =>
        (Emulator, Time, AppKey) = (emulator, time, appKey);

    public GitHubApiEmulatorServer Emulator { get; }

    public FakeTimeProvider Time { get; }

    public RSA AppKey { get; }

    public static async Task<CredentialsWorld> StartAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 18, 0, 0, TimeSpan.Zero));
        var emulator = await GitHubApiEmulatorServer.StartAsync(description: Description.Value, time: time);
        var key = RSA.Create(2048);
        var publicKey = RSA.Create(); // the emulator keeps it
        publicKey.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        emulator.Catalog.AddRepository(Owner, Repo);
        emulator.Catalog.AddRepository(Owner, Sibling.Name, isPrivate: true);
        emulator.Catalog.AddRepository(Elsewhere.Owner, Elsewhere.Name, isPrivate: true);
        emulator.Catalog.RegisterApp(AppId, publicKey);
        emulator.Catalog.AddInstallation(AppId, Installation, [$"{Owner}/{Repo}", Sibling.Value]);
        emulator.Credentials.AddPersonalToken(PersonalToken, "octocat");
        return new CredentialsWorld(emulator, time, key);
    }

    /// <summary>Settings for the App (with <paramref name="key"/>, by default its own) at the emulator's address.</summary>
    public GitHubOptions AppOptions(RSA? key = null) => new()
    {
        ApiUrl = Emulator.BaseUri.ToString(),
        AppId = AppId,
        PrivateKey = (key ?? AppKey).ExportRSAPrivateKeyPem(),
        Token = PersonalToken,
    };

    public GitHubOptions TokenOptions() => new() { ApiUrl = Emulator.BaseUri.ToString(), Token = PersonalToken };

    public GitHubCredentials Credentials(GitHubOptions options)
    {
        Assert.True(new GitHubOptionsValidator().Validate(null, options).Succeeded);
        var credentials = new GitHubCredentials(Options.Create(options), Time, NullLogger<GitHubCredentials>.Instance);
        _made.Add(credentials);
        return credentials;
    }

    /// <summary>The requests for installation tokens the emulator has seen.</summary>
    public IReadOnlyList<RecordedRequest> TokenRequests() =>
        Emulator.Requests.Snapshot().Where(r => r.Method == "POST" && r.Path.EndsWith("/access_tokens", StringComparison.Ordinal)).ToArray();

    /// <summary>No request broke GitHub's OpenAPI description, and no answer of the emulator did.</summary>
    public void AssertNoViolations()
    {
        Assert.Empty(Emulator.Requests.Violations());
        Assert.All(Emulator.Requests.Snapshot(), r => Assert.Empty(r.ResponseViolations));
    }

    /// <summary>An Octokit client with <paramref name="token"/>, as a later step of the handler would use it.</summary>
    public GitHubClient Client(string token) =>
        new(new ProductHeaderValue("k8s-webhook-handler-tests"), Emulator.BaseUri) { Credentials = new Octokit.Credentials(token) };

    public async ValueTask DisposeAsync()
    {
        _made.ForEach(c => c.Dispose());
        await Emulator.DisposeAsync();
        AppKey.Dispose();
    }
}
