using K8sWebhookHandler.EndToEnd.Tests.Browser;
using K8sWebhookHandler.Testing.Handler;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The handler with the page's Argo link template, and a headless Chromium to look at the page with.</summary>
public sealed class InspectionPageFixture : HandlerFixture
{
    public const string WorkflowUrl = "https://argo.example.test/workflows/{namespace}/{name}";

    public SystemChromium Browser { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } =
        new Dictionary<string, string> { ["Handler__Management__WorkflowUrl"] = WorkflowUrl };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Only a safety net for the page's polling on a busy machine; nothing is asserted about how long anything takes.
        SetDefaultExpectTimeout(60_000);
        Browser = await SystemChromium.LaunchAsync();
    }

    public override async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The Argo link the page must show for a Workflow.</summary>
    public static string LinkTo(string ns, string name) => $"https://argo.example.test/workflows/{ns}/{name}";
}

/// <summary>The inspection page in a real browser: deliveries appear and progress without a reload, link to Argo, and retry.</summary>
public sealed class InspectionPageTests(InspectionPageFixture fixture) : IClassFixture<InspectionPageFixture>
{
    [Fact]
    public async Task QueuedPush_TurnsAppliedOnThePageWithoutReload_AndLinksItsWorkflowToArgo()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        fixture.Emulator.Faults.FailNext(int.MaxValue, 503, r => r.Method == "POST" && r.Body.Contains(repo.FullName, StringComparison.Ordinal));
        var delivery = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        await using var browser = await fixture.Browser.NewPageAsync(fixture.Handler.BaseUri);
        var page = browser.Page;

        await page.GotoAsync($"/#/repo/{repo.FullName}");
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
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Token required" })).ToBeHiddenAsync();
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
        await using var browser = await fixture.Browser.NewPageAsync(fixture.Handler.BaseUri);
        var page = browser.Page;

        await page.GotoAsync($"/#/delivery/{repo.FullName}/{delivery}");
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
        await using var browser = await fixture.Browser.NewPageAsync(fixture.Handler.BaseUri);
        var page = browser.Page;

        await page.GotoAsync($"/#/repo/{repo.FullName}");
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

    private static ILocator DeliveryRow(IPage page, string delivery) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = delivery, Exact = true }) });

    private static ILocator Fact(IPage page, string name) => page.Locator($"dd[data-fact='{name}']");

    private static (string Namespace, string Name) WorkflowOf(System.Text.Json.Nodes.JsonObject workflow) =>
        (workflow["metadata"]!["namespace"]!.GetValue<string>(), workflow["metadata"]!["name"]!.GetValue<string>());
}
