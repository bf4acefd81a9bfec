using System.Text;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Handler;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>The public development secret signs only while no real secret is configured.</summary>
public sealed class WebhookSecretOptionsTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"zen\":\"Practicality beats purity.\"}");

    private static WebhookOptions Options(Dictionary<string, string?> settings, bool developmentFile = true)
    {
        var builder = new ConfigurationBuilder();
        if (developmentFile)
        {
            // The file `dotnet run` uses, as shipped.
            builder.AddJsonFile(Path.Combine(RepositoryPaths.Root, "src", "Api", "appsettings.Development.json"));
        }

        var configuration = builder.AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddWebhookOptions().BuildServiceProvider();
        return services.GetRequiredService<IOptions<WebhookOptions>>().Value;
    }

    private static string? Check(WebhookOptions options, string signedWith) =>
        new SignatureVerifier(Microsoft.Extensions.Options.Options.Create(options)).Check(Body, WebhookClient.Sign(signedWith, Body), null);

    [Fact]
    public void WithWebhookSecretSet_TheDevelopmentSecretIsRefused()
    {
        var options = Options(new() { ["WEBHOOK_SECRET"] = "a-real-secret" });

        Assert.Equal(["a-real-secret"], options.WebhookSecrets);
        Assert.Equal("signature does not match", Check(options, WebhookOptions.PublicDevelopmentSecret));
        Assert.Null(Check(options, "a-real-secret"));
        Assert.False(options.UsesDevelopmentWebhookSecret);
    }

    [Fact]
    public void WithConfiguredSecrets_TheDevelopmentSecretIsRefused_EvenWhenListedAmongThem()
    {
        var options = Options(new()
        {
            ["Handler:WebhookSecrets:0"] = WebhookOptions.PublicDevelopmentSecret,
            ["Handler:WebhookSecrets:1"] = "rotated-in",
        });

        Assert.Equal(["rotated-in"], options.WebhookSecrets);
        Assert.Equal("signature does not match", Check(options, WebhookOptions.PublicDevelopmentSecret));
    }

    [Fact]
    public void WithNoOtherSecret_TheDevelopmentSecretSigns_AndIsReportedAsInUse()
    {
        var options = Options([]);

        Assert.Equal([WebhookOptions.PublicDevelopmentSecret], options.WebhookSecrets);
        Assert.Null(Check(options, WebhookOptions.PublicDevelopmentSecret));
        Assert.True(options.UsesDevelopmentWebhookSecret);
    }

    [Fact]
    public void OutsideDevelopment_NoSecretAtAll_RefusesToStart()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options([], developmentFile: false));

        Assert.Contains("WEBHOOK_SECRET", error.Message);
    }

    [Fact]
    public void WebhookSecretAndConfiguredSecrets_AreMerged_AndEachOneSigns()
    {
        var options = Options(new()
        {
            ["WEBHOOK_SECRET"] = "from-environment",
            ["Handler:WebhookSecrets:0"] = "configured-old",
            ["Handler:WebhookSecrets:1"] = "configured-new",
        }, developmentFile: false);

        Assert.Equal(["configured-old", "configured-new", "from-environment"], options.WebhookSecrets);
        Assert.All(options.WebhookSecrets, secret => Assert.Null(Check(options, secret)));
        Assert.Equal("signature does not match", Check(options, "none-of-them"));
    }

    [Theory]
    [InlineData("same", "same", "other", new[] { "same", "other" })]
    [InlineData("other", "same", "same", new[] { "same", "other" })]
    [InlineData("same", "same", "same", new[] { "same" })]
    public void DuplicateSecrets_AreKeptOnce(string environment, string first, string second, string[] expected)
    {
        var options = Options(new()
        {
            ["WEBHOOK_SECRET"] = environment,
            ["Handler:WebhookSecrets:0"] = first,
            ["Handler:WebhookSecrets:1"] = second,
        }, developmentFile: false);

        Assert.Equal(expected, options.WebhookSecrets);
    }

    [Theory]
    [InlineData("", "configured", new[] { "configured" })]
    [InlineData("from-environment", "", new[] { "from-environment" })]
    public void EmptySecrets_AreDropped(string environment, string configured, string[] expected)
    {
        var options = Options(new() { ["WEBHOOK_SECRET"] = environment, ["Handler:WebhookSecrets:0"] = configured }, developmentFile: false);

        Assert.Equal(expected, options.WebhookSecrets);
        Assert.Equal("signature does not match", Check(options, ""));
    }

    [Fact]
    public void OnlyEmptySecrets_RefuseToStart_SayingWhatToSet()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            Options(new() { ["WEBHOOK_SECRET"] = "", ["Handler:WebhookSecrets:0"] = "" }, developmentFile: false));

        Assert.Equal(
            "No webhook secret is configured: set WEBHOOK_SECRET (or Handler__WebhookSecrets__0), or set Handler__Insecure=true to accept unsigned webhooks on purpose.",
            Assert.Single(error.Failures));
    }

    [Fact]
    public async Task DevelopmentSecretInUse_IsWarnedAboutAtStart()
    {
        var logger = new RecordingLogger();
        var warning = new DevelopmentSecretWarning(Microsoft.Extensions.Options.Options.Create(Options([])), logger);

        await warning.StartAsync(CancellationToken.None);

        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("public development secret", message);
        Assert.DoesNotContain(WebhookOptions.PublicDevelopmentSecret, message);
    }

    [Fact]
    public async Task RealSecret_IsNotWarnedAbout()
    {
        var logger = new RecordingLogger();
        var warning = new DevelopmentSecretWarning(Microsoft.Extensions.Options.Options.Create(Options(new() { ["WEBHOOK_SECRET"] = "real" })), logger);

        await warning.StartAsync(CancellationToken.None);

        Assert.Empty(logger.Entries);
    }

    private sealed class RecordingLogger : ILogger<DevelopmentSecretWarning>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
