using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace K8sWebhookHandler.EndToEnd.Tests.Browser;

/// <summary>
/// Debian's <c>chromium</c> (scripts/test.sh installs it), headless, driven by Playwright; Playwright's own browsers
/// are never downloaded. Every page it opens may reach loopback only: any other request is refused and recorded.
/// </summary>
public sealed class SystemChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private SystemChromium(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<SystemChromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: apt-get install -y chromium (scripts/test.sh installs it when run as root)");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
        return new SystemChromium(playwright, browser);
    }

    /// <summary>A page in a fresh context (its own sessionStorage) that resolves relative URLs against <paramref name="baseUri"/>.</summary>
    public async Task<LoopbackPage> NewPageAsync(Uri baseUri)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUri.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        // A safety net for a busy machine (Playwright's own default is 30 s), never a statement about speed.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var refused = new ConcurrentQueue<string>();
        await context.RouteAsync("**/*", route =>
        {
            if (new Uri(route.Request.Url).IsLoopback)
            {
                return route.ContinueAsync();
            }

            refused.Enqueue(route.Request.Url);
            return route.AbortAsync();
        });
        return new LoopbackPage(context, await context.NewPageAsync(), refused);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A page and what it tried to fetch beyond loopback (nothing, for a page that works offline).</summary>
public sealed class LoopbackPage(IBrowserContext context, IPage page, ConcurrentQueue<string> refused) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public IReadOnlyCollection<string> Refused => refused;

    public ValueTask DisposeAsync() => new(context.CloseAsync());
}
