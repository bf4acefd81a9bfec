using System.Net;
using System.Net.Http.Headers;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>A handler whose management port asks for a token (<c>Handler:Management:Tokens</c>).</summary>
public sealed class ManagementTokenFixture : HandlerFixture
{
    public const string Token = "management-token-for-the-tests-0123456789";

    protected override string? ManagementToken => Token;

    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } = new Dictionary<string, string>
    {
        ["Handler__Management__Tokens__0"] = "another-operator-token-abcdefghij",
        ["Handler__Management__Tokens__1"] = Token,
    };
}

/// <summary>
/// Two listeners, told apart by the port a request comes in on: the public one answers only the webhook and the health
/// probes; the management one everything else, with a token when tokens are set. Real process, real ports.
/// </summary>
public sealed class ManagementListenerTests(ManagementTokenFixture fixture) : IClassFixture<ManagementTokenFixture>
{
    private static readonly string[] ManagementPaths =
    [
        "/api/repositories/e2e/x",
        "/api/repositories/e2e/x/deliveries/d-1",
        "/api/repositories",
        "/metrics",
        "/dashboard/",
        "/",
    ];

    [Fact]
    public async Task PublicPort_Answers404ForEveryManagementPath_EvenWithTheToken()
    {
        using var http = WebhookClient.ManagementClient(fixture.Handler.BaseUri, ManagementTokenFixture.Token);
        var answers = new List<string>();
        foreach (var path in ManagementPaths)
        {
            using var get = await http.GetAsync(path);
            answers.Add($"GET {path} {(int)get.StatusCode}");
        }

        using var retry = await http.PostAsync("/api/repositories/e2e/x/deliveries/d-1/retry", null);
        using var session = await http.PostAsync("/api/session", null);
        answers.Add($"POST retry {(int)retry.StatusCode}");
        answers.Add($"POST session {(int)session.StatusCode}");

        Assert.Equal([.. ManagementPaths.Select(p => $"GET {p} 404"), "POST retry 404", "POST session 404"], answers);
    }

    [Fact]
    public async Task ManagementPort_RefusesARequestWithoutOrWithAWrongToken_AndAnswersWithOne()
    {
        using var anonymous = WebhookClient.ManagementClient(fixture.Handler.ManagementUri);
        using var wrong = WebhookClient.ManagementClient(fixture.Handler.ManagementUri, "not-the-management-token-at-all");

        using var without = await anonymous.GetAsync("/api/repositories/e2e/x");
        using var withWrong = await wrong.GetAsync("/api/repositories/e2e/x");
        using var retryWithout = await anonymous.PostAsync("/api/repositories/e2e/x/deliveries/d-1/retry", null);
        using var withToken = await fixture.Client.Management.GetAsync("/api/repositories/e2e/x");

        Assert.Equal((HttpStatusCode.Unauthorized, "Bearer"), (without.StatusCode, without.Headers.WwwAuthenticate.Single().Scheme));
        Assert.Equal("application/problem+json", without.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, retryWithout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
    }

    [Fact]
    public async Task ManagementPort_DoesNotTakeWebhooks_AndThePublicPortStillDoes()
    {
        using var management = new WebhookClient(fixture.Handler.ManagementUri, HandlerFixture.Secret);
        var (repo, head) = await fixture.NewRepositoryAsync();
        var payload = fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head);

        var (onManagement, _) = await management.SendAsync("push", Guid.NewGuid().ToString(), System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()),
            headers: new Dictionary<string, string?> { ["Authorization"] = "Bearer " + ManagementTokenFixture.Token });
        var delivery = Guid.NewGuid().ToString();
        var (onPublic, _) = await fixture.Client.SendAsync("push", delivery, payload);
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal((404, 202), (onManagement, onPublic));
        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task HealthProbes_AnswerOnBothPorts_WithoutAToken()
    {
        using var publicPort = new HttpClient { BaseAddress = fixture.Handler.BaseUri };
        using var managementPort = new HttpClient { BaseAddress = fixture.Handler.ManagementUri };

        using var publicHealth = await publicPort.GetAsync("/healthz");
        using var managementHealth = await managementPort.GetAsync("/healthz");
        using var managementReady = await managementPort.GetAsync("/readyz");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (publicHealth.StatusCode, managementHealth.StatusCode, managementReady.StatusCode));
    }

    [Fact]
    public async Task Session_TurnsTheTokenIntoAnHttpOnlyCookie_ThatOpensTheManagementPort()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = fixture.Handler.ManagementUri };

        using var noToken = await browser.PostAsync("/api/session", null);
        using var login = new HttpRequestMessage(HttpMethod.Post, "/api/session");
        login.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ManagementTokenFixture.Token);
        using var started = await browser.SendAsync(login);
        using var withCookie = await browser.GetAsync("/api/repositories/e2e/x");
        var cookie = cookies.GetCookies(fixture.Handler.ManagementUri).Single();

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, started.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain(ManagementTokenFixture.Token, cookie.Value, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", started.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }
}
