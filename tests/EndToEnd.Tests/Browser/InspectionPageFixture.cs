using K8sWebhookHandler.Testing.Handler;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace K8sWebhookHandler.EndToEnd.Tests.Browser;

/// <summary>
/// The handler as an operator would run it: a management token required and the page's Argo link template set; and a
/// headless Chromium to look at the page with.
/// </summary>
public class InspectionPageFixture : HandlerFixture
{
    public const string Token = "inspection-page-token-0123456789";

    public const string WorkflowUrl = "https://argo.example.test/workflows/{namespace}/{name}";

    public SystemChromium Browser { get; private set; } = null!;

    protected override string? ManagementToken => Token;

    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } = new Dictionary<string, string>
    {
        ["Handler__Management__Tokens__0"] = Token,
        ["Handler__Management__WorkflowUrl"] = WorkflowUrl,
    };

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

    /// <summary>A new browser tab on <paramref name="path"/> of the management port, the token typed into the page's form.</summary>
    public async Task<LoopbackPage> OpenAsync(string path)
    {
        var browser = await Browser.NewPageAsync(Handler.ManagementUri);
        await browser.Page.GotoAsync(path);
        await SignInAsync(browser.Page, Token);
        return browser;
    }

    /// <summary>Types <paramref name="token"/> into the form the page shows when the API asks for one.</summary>
    public static async Task SignInAsync(IPage page, string token)
    {
        await page.GetByLabel("Token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use token" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Token required" })).ToBeHiddenAsync();
    }
}
