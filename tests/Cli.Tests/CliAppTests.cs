namespace K8sWebhookHandler.Cli.Tests;

/// <summary>The whole command, in process, against a stub that answers as the management API's contract says.</summary>
public sealed class CliAppTests
{
    private const string Token = "t0ken-not-to-print";

    private const string RepositoriesAnswer = """
        {"items":[{"repository":"octo-org/app","counts":{"queued":2},"lastActivity":"2026-11-30T05:59:00Z"}],"next":"abc"}
        """;

    private const string DeliveriesAnswer = """
        {"items":[{"delivery":"d-1","eventType":"push","action":"","ref":"refs/heads/main","revision":"0123456789abcdef","receivedAt":"2026-11-30T05:59:00Z","state":"queued","reason":null,"attempts":0,"objects":[]}],"next":null}
        """;

    private const string RecoveryAnswer = """
        {"enabled":true,"interval":"00:10:00","hooks":[{"kind":"app","hookId":0,"repository":null,"name":"app"}],"runs":[{"startedAt":"2026-11-30T05:59:00+00:00","trigger":"start","outcome":"completed","finishedAt":"2026-11-30T05:59:01+00:00","listed":3,"failed":1,"alreadyRecorded":1,"requested":0,"deliveries":null,"errors":null}],"disabled":null}
        """;

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    private static async Task<(int Code, string Out, string Error)> RunAsync(StubApi? api, params string[] args)
    {
        var environment = new Dictionary<string, string?> { [CliSettings.UrlVariable] = api?.Url.ToString(), [CliSettings.TokenVariable] = Token };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, environment, stdout, stderr, new FixedTime(Now), CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Repositories_SendsTheTokenAndFilters_AndPrintsATable()
    {
        await using var api = await StubApi.StartAsync(new Dictionary<string, (int, string)> { ["/api/repositories"] = (200, RepositoriesAnswer) });

        var result = await RunAsync(api, "repositories", "--state", "queued");

        Assert.Equal((0, "REPOSITORY    LAST ACTIVITY  DELIVERIES\nocto-org/app  1m ago         queued 2\nmore: --cursor abc\n", ""), result);
        Assert.Equal([new StubRequest("GET", "/api/repositories?state=queued", $"Bearer {Token}")], api.Requests);
    }

    [Fact]
    public async Task Deliveries_AsJson_IsTheApisAnswerUnchanged()
    {
        await using var api = await StubApi.StartAsync(new Dictionary<string, (int, string)> { ["/api/repositories/octo-org/app/deliveries"] = (200, DeliveriesAnswer) });

        var result = await RunAsync(api, "deliveries", "octo-org/app", "--output", "json", "--ref", "refs/heads/main");

        Assert.Equal((0, DeliveriesAnswer + "\n", ""), result);
        Assert.Equal("/api/repositories/octo-org/app/deliveries?ref=refs%2Fheads%2Fmain", Assert.Single(api.Requests).PathAndQuery);
    }

    [Fact]
    public async Task RefusedOrFailed_IsOneLineOnStderr_Exit1For4xxAnd3For5xx_WithoutTheToken()
    {
        await using var api = await StubApi.StartAsync(new Dictionary<string, (int, string)>
        {
            ["/api/repositories/o/n/refs"] = (403, """{"title":"Forbidden","status":403,"detail":"the token t0ken-not... is not accepted"}"""),
            ["/api/repositories"] = (503, """{"title":"Service Unavailable","status":503,"detail":"the silo cluster is not reachable"}"""),
        });

        var refused = await RunAsync(api, "refs", "o/n", "--token", "other");
        var failed = await RunAsync(api, "repositories");

        Assert.Equal((1, "", "k8swh: 403 Forbidden: the token t0ken-not... is not accepted\n"), refused);
        Assert.Equal((3, "", "k8swh: 503 Service Unavailable: the silo cluster is not reachable\n"), failed);
        Assert.Equal("Bearer other", api.Requests[0].Authorization);
    }

    [Fact]
    public async Task Recovery_PrintsWhetherItRunsAndItsRuns_AndAsJsonTheApisAnswerUnchanged()
    {
        await using var api = await StubApi.StartAsync(new Dictionary<string, (int, string)> { ["/api/recovery"] = (200, RecoveryAnswer) });

        var table = await RunAsync(api, "recovery");
        var json = await RunAsync(api, "recovery", "--output", "json");

        Assert.Equal((0, """
            Recovery: on, at start-up and every 10m
            Hooks:    app
            STARTED  TRIGGER  OUTCOME    LISTED  FAILED  RECORDED  REQUESTED  ERRORS
            1m ago   start    completed  3       1       1         0

            """.ReplaceLineEndings("\n"), ""), table);
        Assert.Equal((0, RecoveryAnswer + "\n", ""), json);
        Assert.All(api.Requests, r => Assert.Equal(("GET", "/api/recovery"), (r.Method, r.PathAndQuery)));
    }

    [Fact]
    public async Task Recover_PostsARun_AndPrintsIt_OrWhenRecoveryIsOff_SaysWhyOnStderr_Exit1()
    {
        const string run = """{"startedAt":"2026-11-30T05:59:58+00:00","trigger":"operator","outcome":"completed","finishedAt":"2026-11-30T05:59:59+00:00","listed":0,"failed":0,"alreadyRecorded":0,"requested":0,"deliveries":null,"errors":null}""";
        const string off = """{"title":"Recovery off","status":409,"detail":"Delivery recovery does not run: no GitHub token or App is configured."}""";
        await using var on = await StubApi.StartAsync(new Dictionary<string, (int, string)> { ["/api/recovery/runs"] = (200, run) });
        await using var refused = await StubApi.StartAsync(new Dictionary<string, (int, string)> { ["/api/recovery/runs"] = (409, off) });

        var done = await RunAsync(on, "recover");
        var notRun = await RunAsync(refused, "recover");

        Assert.Equal((0, ""), (done.Code, done.Error));
        Assert.StartsWith("Outcome:           completed\nTrigger:           operator\n", done.Out);
        Assert.Equal((1, "", "k8swh: 409 Recovery off: Delivery recovery does not run: no GitHub token or App is configured.\n"), notRun);
        Assert.Equal(new StubRequest("POST", "/api/recovery/runs", $"Bearer {Token}"), Assert.Single(on.Requests));
    }

    [Fact]
    public async Task UsageError_Is2_AndSendsNothing()
    {
        await using var api = await StubApi.StartAsync(new Dictionary<string, (int, string)>());

        var result = await RunAsync(api, "show", "octo-org/app");

        Assert.Equal((2, "", "k8swh: 'show' takes OWNER/NAME DELIVERY, not 1 argument(s) (see 'k8swh show --help')\n"), result);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task Help_IsPrintedOnStdout_WithTheExitCodes()
    {
        var (code, output, error) = await RunAsync(null, "deliveries", "--help");

        Assert.Equal((0, ""), (code, error));
        Assert.StartsWith("Usage: k8swh deliveries OWNER/NAME [--state STATE] [--ref REF] [--event EVENT] [--limit N] [--cursor CURSOR]", output);
        Assert.Contains("3 the API is unreachable, too slow, or failing (5xx).", output);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
