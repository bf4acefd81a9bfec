using System.Globalization;
using System.Text.RegularExpressions;
using K8sWebhookHandler.EndToEnd.Tests.Browser;
using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// The inspection page's handler with a token the GitHub API emulator accepts and one repository webhook configured,
/// whose URL nothing listens on: every delivery through it fails, as while the handler is unreachable.
/// </summary>
public sealed class RecoveryPageFixture : InspectionPageFixture
{
    public const string GitHubToken = "ghp_inspection_page_recovery_token";

    public const string Repository = "e2e/recovery-page";

    private Dictionary<string, string> _settings = [];

    public GitHubApiEmulatorServer GitHub { get; private set; } = null!;

    public long HookId { get; private set; }

    protected override IReadOnlyDictionary<string, string> ExtraSettings => _settings;

    public override async Task InitializeAsync()
    {
        GitHub = await GitHubApiEmulatorServer.StartAsync();
        GitHub.Credentials.AddPersonalToken(GitHubToken, "ci-bot");
        HookId = GitHub.Hooks.AddRepositoryHook(Repository, new Uri($"http://127.0.0.1:{Loopback.FreePort()}/webhook"), Secret);
        _settings = new Dictionary<string, string>(base.ExtraSettings)
        {
            ["Handler__GitHub__ApiUrl"] = GitHub.BaseUri.ToString(),
            ["Handler__GitHub__Token"] = GitHubToken,
            ["Handler__GitHub__Recovery__RepositoryHooks__0"] = $"{Repository}:{HookId.ToString(CultureInfo.InvariantCulture)}",
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
/// The delivery recovery view in a real browser, with recovery on: it says so, names the hook, lists the run made at
/// start-up, and "Run now" shows the finished run, which found the push GitHub failed to deliver and asked for it again.
/// </summary>
public sealed class InspectionPageRecoveryTests(RecoveryPageFixture fixture) : IClassFixture<RecoveryPageFixture>
{
    /// <summary>Also saves the picture of the view (recovery-page.png beside the test assembly).</summary>
    [Fact]
    public async Task RunNow_AsksAgainForTheFailedDelivery_AndShowsTheRunFirst_WithItsId()
    {
        await using var browser = await fixture.OpenAsync("/#/recovery");
        var page = browser.Page;
        var runs = page.GetByRole(AriaRole.Table, new() { Name = "Runs, newest first" }).Locator("tbody tr");
        var hook = $"{RecoveryPageFixture.Repository}#{fixture.HookId.ToString(CultureInfo.InvariantCulture)}";

        await Expect(page.Locator("#recovery-state")).ToHaveTextAsync("On: a run at start-up and every 10 minutes.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "GitHub webhooks reconciled" }).Locator("tbody th")).ToHaveTextAsync([hook]);
        // The start-up run first ends: a run asked for while it goes on would join it rather than start another.
        await Expect(runs.Locator("td:nth-child(2)")).ToHaveTextAsync(["start"]);
        await Expect(runs.Locator("td:nth-child(3)")).ToHaveTextAsync(["completed"]);
        var push = GitHubPayloads.Push(RecoveryPageFixture.Repository, new Uri("git://127.0.0.1/e2e/recovery-page"),
            new Uri("http://127.0.0.1/e2e/recovery-page"), "refs/heads/main", GitHubPayloads.Zero, new string('a', 40));
        var failed = await fixture.GitHub.Hooks.DeliverAsync(fixture.HookId, "push", push.ToJsonString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Run completed: 1 listed, 1 failed, 0 recorded already, 1 requested.");
        await Expect(runs.Locator("td:nth-child(2)")).ToHaveTextAsync(["operator", "start"]);
        // Trigger, outcome, finished (a time in the reader's locale), listed, failed, recorded already, requested, errors.
        Regex[] newest = [new("^operator$"), new("^completed$"), new(@"\d"), new("^1$"), new("^1$"), new("^0$"), new("^1"), new("^—$")];
        await Expect(runs.First.Locator("td")).ToHaveTextAsync(newest);
        await runs.First.Locator("summary").ClickAsync();
        await Expect(runs.First.GetByRole(AriaRole.List, new() { Name = "Deliveries requested again" })).ToHaveTextAsync(failed.Guid);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "recovery-page.png"), FullPage = true });
        Assert.Equal(0, failed.StatusCode);
        Assert.Equal(failed.Guid, Assert.Single(fixture.GitHub.Hooks.Redeliveries).Guid);
        Assert.Empty(browser.Refused);
    }
}
