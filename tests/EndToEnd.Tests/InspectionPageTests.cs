using System.Collections.Concurrent;
using System.Net;
using K8sWebhookHandler.EndToEnd.Tests.Browser;
using K8sWebhookHandler.Testing.Handler;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// The inspection page in a real browser, on a management port that needs a token: deliveries appear and progress
/// without a reload, link to Argo, retry; the page asks for the token the API wants and sends it as a bearer token only.
/// </summary>
public sealed class InspectionPageTests(InspectionPageFixture fixture) : IClassFixture<InspectionPageFixture>
{
    [Fact]
    public async Task QueuedPush_TurnsAppliedOnThePageWithoutReload_AndLinksItsWorkflowToArgo()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        fixture.Emulator.Faults.FailNext(int.MaxValue, 503, r => r.Method == "POST" && r.Body.Contains(repo.FullName, StringComparison.Ordinal));
        var delivery = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        await using var browser = await fixture.OpenAsync($"/#/repo/{repo.FullName}");
        var page = browser.Page;

        var row = DeliveryRow(page, delivery);
        await Expect(row.Locator(".state")).ToHaveTextAsync("queued");
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        fixture.Emulator.Faults.Clear();
        await Expect(row.Locator(".state")).ToHaveTextAsync("applied");
        var sameDocument = await page.EvaluateAsync<bool>("() => window.sameDocument === true");
        await row.GetByRole(AriaRole.Link, new() { Name = delivery }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var (ns, name) = WorkflowOf(Assert.Single(fixture.WorkflowsOf(repo)));

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Open {name} in Argo" })).ToHaveAttributeAsync("href", InspectionPageFixture.LinkTo(ns, name));
        await Expect(Fact(page, "state")).ToHaveTextAsync("applied");
        Assert.True(sameDocument);
        Assert.Empty(browser.Refused);
    }

    [Fact]
    public async Task RetryButton_RunsTheDeliveryAgain_AndShowsItsNewState()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var delivery = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        var first = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        var firstName = first!["objects"]![0]!["name"]!.GetValue<string>();
        await using var browser = await fixture.OpenAsync($"/#/delivery/{repo.FullName}/{delivery}");
        var page = browser.Page;

        await Expect(Fact(page, "state")).ToHaveTextAsync("applied");
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Retry accepted: the delivery is queued.");
        await Expect(Fact(page, "re-runs")).ToHaveTextAsync("1");
        await Expect(Fact(page, "state")).ToHaveTextAsync("applied");
        var rerun = fixture.WorkflowsOf(repo).Select(WorkflowOf).Single(w => w.Name != firstName);

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Open {rerun.Name} in Argo" }))
            .ToHaveAttributeAsync("href", InspectionPageFixture.LinkTo(rerun.Namespace, rerun.Name));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Open {firstName} in Argo" })).ToHaveCountAsync(0);
        Assert.Equal("applied", first["state"]!.GetValue<string>());
        Assert.Empty(browser.Refused);
    }

    /// <summary>Also saves the picture of the page the README shows (inspection-page.png beside the test assembly).</summary>
    [Fact]
    public async Task SeveralDeliveries_AreListedNewestFirst_WithTheirStates_AndFilteredByState()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var applied = new List<string>();
        foreach (var branch in new[] { "feature-login", "feature-search" })
        {
            var (delivery, _) = await fixture.PushNewBranchAsync(repo, head, branch);
            Assert.Equal("applied", (await fixture.Client.OutcomeAsync(repo.FullName, delivery))!["state"]!.GetValue<string>());
            applied.Add(delivery);
        }

        fixture.Emulator.Faults.FailNext(int.MaxValue, 503, r => r.Method == "POST" && r.Body.Contains(repo.FullName, StringComparison.Ordinal));
        var (held, _) = await fixture.PushNewBranchAsync(repo, head, "fix-timeout");
        await using var browser = await fixture.OpenAsync($"/#/repo/{repo.FullName}");
        var page = browser.Page;

        var rows = page.Locator("tbody tr");
        await Expect(DeliveryRow(page, held).Locator(".state")).ToHaveTextAsync("queued");
        await Expect(rows.Locator("th a")).ToHaveTextAsync([held, applied[1], applied[0]]);
        await Expect(rows.Locator(".state")).ToHaveTextAsync(["queued", "applied", "applied"]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "inspection-page.png"), FullPage = true });
        await page.GetByLabel("State").SelectOptionAsync("queued");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(rows.Locator("th a")).ToHaveTextAsync([held]);
        fixture.Emulator.Faults.Clear();
        Assert.EndsWith("?state=queued", page.Url, StringComparison.Ordinal);
        Assert.Empty(browser.Refused);
    }

    [Fact]
    public async Task WithoutATokenTheApiRefusesThePage_WhichAsksForOne_SendsItOnlyAsABearerToken_AndListsRepositories()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var delivery = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        using var anonymous = WebhookClient.ManagementClient(fixture.Handler.ManagementUri);
        using var pageWithout = await anonymous.GetAsync("/");
        using var recordWithout = await anonymous.GetAsync($"/api/repositories/{repo.FullName}/deliveries/{delivery}");
        await using var browser = await fixture.Browser.NewPageAsync(fixture.Handler.ManagementUri);
        var page = browser.Page;
        var calls = new ConcurrentQueue<(string Url, int Status, string? Authorization)>();
        page.Response += (_, r) => calls.Enqueue((r.Url, r.Status, r.Request.Headers.GetValueOrDefault("authorization")));

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Token required" })).ToBeVisibleAsync();
        await page.GetByLabel("Token").FillAsync("not-the-token-but-long-enough");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use token" }).ClickAsync();
        await Expect(page.GetByText("The handler refused that token.")).ToBeVisibleAsync();
        await InspectionPageFixture.SignInAsync(page, InspectionPageFixture.Token);
        var repository = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = repo.FullName, Exact = true }) });
        await Expect(repository.Locator(".counts")).ToHaveTextAsync("applied 1");
        await repository.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(DeliveryRow(page, delivery).Locator(".state")).ToHaveTextAsync("applied");
        var stored = await page.EvaluateAsync<string?>("() => sessionStorage.getItem('k8s-webhook-handler.token')");

        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (pageWithout.StatusCode, recordWithout.StatusCode));
        var api = calls.Where(c => new Uri(c.Url).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        var bearer = "Bearer " + InspectionPageFixture.Token;
        Assert.Contains(api, c => c.Authorization is null);
        Assert.All(api.Where(c => c.Authorization != bearer), c => Assert.Equal(401, c.Status));
        Assert.Contains(api, c => c.Authorization == bearer);
        Assert.DoesNotContain(api, c => c.Authorization == bearer && c.Status == 401);
        Assert.DoesNotContain(calls, c => c.Url.Contains(InspectionPageFixture.Token, StringComparison.Ordinal));
        Assert.Equal(InspectionPageFixture.Token, stored);
        Assert.Empty(browser.Refused);
    }

    [Fact]
    public async Task DashboardButton_OpensTheOrleansDashboardWithTheTokensSessionCookie_WhichForgettingRemoves()
    {
        await using var browser = await fixture.Browser.NewPageAsync(fixture.Handler.ManagementUri);
        var page = browser.Page;
        await page.GotoAsync("/");
        await InspectionPageFixture.SignInAsync(page, InspectionPageFixture.Token);

        var session = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Orleans dashboard" }).ClickAsync(),
            r => new Uri(r.Url).AbsolutePath == "/api/session");
        Assert.Equal(204, session.Status);
        await page.WaitForURLAsync(new Uri(fixture.Handler.ManagementUri, "dashboard/").ToString(), new() { WaitUntil = WaitUntilState.Commit });
        var counters = await page.APIRequest.GetAsync("dashboard/DashboardCounters");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "k8swh-management");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Forget token" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Token required" })).ToBeVisibleAsync();
        var afterForgetting = await page.APIRequest.GetAsync("dashboard/DashboardCounters");

        Assert.Equal(200, counters.Status);
        Assert.Contains("\"simpleGrainStats\"", await counters.TextAsync(), StringComparison.Ordinal);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(401, afterForgetting.Status);
        Assert.Empty(await page.Context.CookiesAsync());
        Assert.Empty(browser.Refused);
    }

    [Fact]
    public async Task RecoveryView_WithoutGitHubCredentials_SaysRecoveryIsOffAndWhy_AndRunNowIsRefusedWithTheReason()
    {
        await using var browser = await fixture.OpenAsync("/");
        var page = browser.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Delivery recovery", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delivery recovery", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Delivery recovery", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(page.Locator("#recovery-state")).ToHaveTextAsync("Off: no GitHub token or App is configured.");
        await Expect(page.GetByText("Runs, newest first: none yet.")).ToBeVisibleAsync();
        await Expect(page.GetByText("GitHub webhooks reconciled: none yet.", new() { Exact = false })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status))
            .ToHaveTextAsync("Run refused: Delivery recovery does not run: no GitHub token or App is configured.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run now" })).ToBeEnabledAsync();
        Assert.EndsWith("#/recovery", page.Url, StringComparison.Ordinal);
        Assert.Equal("Delivery recovery · k8s-webhook-handler", await page.TitleAsync());
        Assert.Empty(browser.Refused);
    }

    private static ILocator DeliveryRow(IPage page, string delivery) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = delivery, Exact = true }) });

    private static ILocator Fact(IPage page, string name) => page.Locator($"dd[data-fact='{name}']");

    private static (string Namespace, string Name) WorkflowOf(System.Text.Json.Nodes.JsonObject workflow) =>
        (workflow["metadata"]!["namespace"]!.GetValue<string>(), workflow["metadata"]!["name"]!.GetValue<string>());
}
