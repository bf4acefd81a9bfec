using System.Text.RegularExpressions;
using K8sWebhookHandler.EndToEnd.Tests.Browser;
using K8sWebhookHandler.GitHubApiEmulator;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The inspection page's handler with a token the GitHub API emulator accepts: delivery recovery runs.</summary>
public sealed class RecoveryPageFixture : InspectionPageFixture
{
    public const string GitHubToken = "ghp_inspection_page_recovery_token";

    private Dictionary<string, string> _settings = [];

    public GitHubApiEmulatorServer GitHub { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => _settings;

    public override async Task InitializeAsync()
    {
        GitHub = await GitHubApiEmulatorServer.StartAsync();
        GitHub.Credentials.AddPersonalToken(GitHubToken, "ci-bot");
        _settings = new Dictionary<string, string>(base.ExtraSettings)
        {
            ["Handler__GitHub__ApiUrl"] = GitHub.BaseUri.ToString(),
            ["Handler__GitHub__Token"] = GitHubToken,
        };
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await GitHub.DisposeAsync();
    }
}

/// <summary>
/// The delivery recovery view in a real browser, with recovery on: it says so, lists the run made at start-up, and
/// "Run now" shows the finished run and puts it at the top of the runs. No repository hook is known (none configured,
/// no delivery received through one), so a run lists nothing and completes.
/// </summary>
public sealed class InspectionPageRecoveryTests(RecoveryPageFixture fixture) : IClassFixture<RecoveryPageFixture>
{
    /// <summary>Also saves the picture of the view (recovery-page.png beside the test assembly).</summary>
    [Fact]
    public async Task RunNow_ShowsTheCompletedRun_AndTheRunsTableListsItFirst()
    {
        await using var browser = await fixture.OpenAsync("/#/recovery");
        var page = browser.Page;
        var runs = page.GetByRole(AriaRole.Table, new() { Name = "Runs, newest first" }).Locator("tbody tr");
        var triggers = runs.Locator("td:nth-child(2)");
        var outcomes = runs.Locator("td:nth-child(3)");

        await Expect(page.Locator("#recovery-state")).ToHaveTextAsync("On: a run at start-up and every 10 minutes.");
        // The start-up run first ends: a run asked for while it goes on would join it rather than start another.
        await Expect(triggers).ToHaveTextAsync(["start"]);
        await Expect(outcomes).ToHaveTextAsync(["completed"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Run completed: 0 listed, 0 failed, 0 recorded already, 0 requested.");
        await Expect(triggers).ToHaveTextAsync(["operator", "start"]);
        await Expect(outcomes).ToHaveTextAsync(["completed", "completed"]);
        // Trigger, outcome, finished (a time in the reader's locale), listed, failed, recorded already, requested, errors.
        Regex[] newest = [new("^operator$"), new("^completed$"), new(@"\d"), new("^0$"), new("^0$"), new("^0$"), new("^0$"), new("^—$")];
        await Expect(runs.First.Locator("td")).ToHaveTextAsync(newest);
        await Expect(page.GetByText("GitHub webhooks reconciled: none yet.")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "recovery-page.png"), FullPage = true });
        Assert.Empty(browser.Refused);
    }
}
