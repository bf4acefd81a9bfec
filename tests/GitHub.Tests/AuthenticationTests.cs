using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;
using K8sWebhookHandler.GitHubApiEmulator.Auth;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>Credentials are checked as GitHub checks them; a refused request is 401 with GitHub's message and changes nothing.</summary>
public sealed class AuthenticationTests
{
    private const string Statuses = $"/repos/{GitHubWorld.Owner}/{GitHubWorld.Repo}/statuses/{GitHubWorld.Sha}";
    private const string Pending = """{"state":"pending"}""";

    public static TheoryData<string, string> BadJwts => new()
    {
        { "signed with another key", JwtVerifier.Undecodable },
        { "expired a minute ago", JwtVerifier.ExpPassed },
        { "eleven minutes long", JwtVerifier.ExpTooFar },
        { "issued two minutes ahead", JwtVerifier.IatInvalid },
        { "of an unknown App", JwtVerifier.Undecodable },
        { "signed HS256", JwtVerifier.Undecodable },
        { "not a JWT at all", Authenticator.BadCredentials },
    };

    [Theory]
    [MemberData(nameof(BadJwts))]
    public async Task GetApp_WithABadJwt_Is401WithGitHubsMessage(string kind, string message)
    {
        await using var world = await GitHubWorld.StartAsync();
        using var otherKey = RSA.Create(2048);
        var jwt = kind switch
        {
            "signed with another key" => world.Jwt(key: otherKey),
            "expired a minute ago" => world.Jwt(issuedAgo: TimeSpan.FromMinutes(11)),
            "eleven minutes long" => world.Jwt(lifetime: TimeSpan.FromMinutes(11)),
            "issued two minutes ahead" => world.Jwt(issuedAgo: TimeSpan.FromMinutes(-2), lifetime: TimeSpan.FromMinutes(5)),
            "of an unknown App" => world.Jwt(issuer: 999),
            "signed HS256" => Hs256Jwt(world),
            _ => "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24",
        };

        var (status, text, _) = await world.SendAsync(HttpMethod.Get, "/app", authorization: "Bearer " + jwt);

        Assert.Equal(401, status);
        Assert.Equal(message, JsonNode.Parse(text)!["message"]!.GetValue<string>());
        Assert.Null(Assert.Single(world.Emulator.Requests.Snapshot()).Identity);
    }

    [Fact]
    public async Task GetApp_WithAJwtIssuedThirtySecondsAhead_IsAcceptedWithinGitHubsClockDrift()
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, _, _) = await world.SendAsync(HttpMethod.Get, "/app",
            authorization: "Bearer " + world.Jwt(issuedAgo: TimeSpan.FromSeconds(-30), lifetime: TimeSpan.FromMinutes(9)));

        Assert.Equal(200, status);
    }

    [Theory]
    [InlineData(null, 401, "Requires authentication")]
    [InlineData("token ghp_unknown", 401, "Bad credentials")]
    [InlineData("Basic b2N0b2NhdDpwYXNz", 401, "Bad credentials")]
    [InlineData("APP", 403, "Resource not accessible by integration")]
    public async Task CreateStatus_WithoutAUsableToken_IsRefusedAndStoresNothing(string? authorization, int expected, string message)
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, text, _) = await world.SendAsync(HttpMethod.Post, Statuses, Pending, authorization == "APP" ? "Bearer " + world.Jwt() : authorization);

        Assert.Equal((expected, message), (status, JsonNode.Parse(text)!["message"]!.GetValue<string>()));
        Assert.Empty(world.Emulator.Statuses.For($"{GitHubWorld.Owner}/{GitHubWorld.Repo}", GitHubWorld.Sha));
    }

    [Theory]
    [InlineData("token")]
    [InlineData("Bearer")]
    public async Task CreateStatus_WithAPersonalTokenInEitherScheme_IsAccepted(string scheme)
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, _, _) = await world.SendAsync(HttpMethod.Post, Statuses, Pending, $"{scheme} {GitHubWorld.PersonalToken}");

        Assert.Equal(201, status);
    }

    [Fact]
    public async Task GetApp_WithAPersonalToken_Is401ForItIsNoJwt()
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, text, _) = await world.SendAsync(HttpMethod.Get, "/app");

        Assert.Equal((401, JwtVerifier.Undecodable), (status, JsonNode.Parse(text)!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task InstallationToken_OnARepositoryOutsideItsInstallation_Is404()
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, _, _) = await world.SendAsync(HttpMethod.Post, "/repos/other-org/private/statuses/" + GitHubWorld.Sha, Pending,
            "token " + await world.InstallationTokenAsync());

        Assert.Equal(404, status);
        Assert.Empty(world.Emulator.Statuses.For("other-org/private", GitHubWorld.Sha));
    }

    [Fact]
    public async Task InstallationToken_NarrowedToStatuses_CannotCreateACheckRun()
    {
        await using var world = await GitHubWorld.StartAsync();
        var (created, text, _) = await world.SendAsync(HttpMethod.Post, $"/app/installations/{GitHubWorld.InstallationId}/access_tokens",
            """{"repositories":["hello"],"permissions":{"statuses":"write"}}""", "Bearer " + world.Jwt());
        var token = "token " + JsonNode.Parse(text)!["token"]!.GetValue<string>();

        var (checkRun, message, _) = await world.SendAsync(HttpMethod.Post, $"/repos/{GitHubWorld.Owner}/{GitHubWorld.Repo}/check-runs",
            $$"""{"name":"build","head_sha":"{{GitHubWorld.Sha}}"}""", token);
        var (status, _, _) = await world.SendAsync(HttpMethod.Post, Statuses, Pending, token);

        Assert.Equal(201, created);
        Assert.Equal((403, "Resource not accessible by integration"), (checkRun, JsonNode.Parse(message)!["message"]!.GetValue<string>()));
        Assert.Equal(201, status);
    }

    [Fact]
    public async Task CreateInstallationToken_ForARepositoryOutsideTheInstallation_Is422()
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, _, _) = await world.SendAsync(HttpMethod.Post, $"/app/installations/{GitHubWorld.InstallationId}/access_tokens",
            """{"repositories":["private"]}""", "Bearer " + world.Jwt());

        Assert.Equal(422, status);
        Assert.Empty(world.Emulator.Credentials.Issued);
        Assert.Empty(world.Emulator.Requests.Snapshot().Single().ResponseViolations);
    }

    private static string Hs256Jwt(GitHubWorld world)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = world.Time.GetUtcNow().ToUnixTimeSeconds();
        var unsigned = Part("""{"alg":"HS256","typ":"JWT"}""") + "." + Part($$"""{"iss":{{GitHubWorld.AppId}},"iat":{{now - 60}},"exp":{{now + 500}}}""");
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes("secret"), Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Convert.ToBase64String(signature).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
