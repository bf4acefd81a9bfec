using K8sWebhookHandler.Hosting.Management;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>The management listener's settings refuse what would open it or make it indistinguishable, saying what to set.</summary>
public sealed class ManagementOptionsTests
{
    private const string Token = "0123456789abcdef0123";

    private static ManagementOptionsValidator Validator(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Defaults_AreLoopbackWithoutToken_AndValid()
    {
        var options = new ManagementOptions();

        Assert.Equal(["http://localhost:8081"], options.UrlList);
        Assert.False(options.RequiresToken);
        Assert.True(Validator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8081")]
    [InlineData("http://*:8081")]
    [InlineData("http://+:8081")]
    [InlineData("http://handler.example:8081")]
    [InlineData("http://localhost:8081;http://10.0.0.5:8081")]
    public void BeyondLoopbackWithoutToken_IsRefused(string urls)
    {
        var result = Validator().Validate(null, new ManagementOptions { Urls = urls });

        Assert.Equal([$"Handler:Management:Urls has '{urls.Split(';')[^1]}', beyond loopback, and no token is set: set Handler:Management:Tokens (a secret) or listen on localhost."], result.Failures);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8081")]
    [InlineData("http://127.0.0.2:8081")]
    [InlineData("http://[::1]:8081")]
    public void AnyBindingWithAToken_IsValid(string urls) =>
        Assert.True(Validator().Validate(null, new ManagementOptions { Urls = urls, Tokens = [Token] }).Succeeded);

    [Theory]
    [InlineData("http://localhost:0")]
    [InlineData("ftp://localhost:8081")]
    [InlineData("not a url")]
    public void UrlWithoutAFixedHttpPort_IsRefused(string url)
    {
        var result = Validator().Validate(null, new ManagementOptions { Urls = url });

        Assert.Equal([$"Handler:Management:Urls has '{url}', which is not an http(s) URL with a fixed port: set e.g. http://localhost:8081."], result.Failures);
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:9000;http://localhost:8081")]
    [InlineData("http_ports", "8081")]
    [InlineData("Handler:PublicUrls", "http://127.0.0.1:8081")]
    public void PortThePublicListenerUses_IsRefused(string key, string value)
    {
        var result = Validator((key, value)).Validate(null, new ManagementOptions());

        Assert.Equal(["Handler:Management:Urls uses port 8081, which the webhook listener (urls, ASPNETCORE_URLS) uses too: give the management listener a port of its own."], result.Failures);
    }

    [Fact]
    public void PublicListenerDefault_IsNotTheManagementDefault() =>
        Assert.Equal(["http://localhost:8080"], ListenerUrls.Public(new ConfigurationBuilder().Build()));

    [Theory]
    [InlineData("short")]
    [InlineData("sixteen chars ok")]
    [InlineData("")]
    public void TokenTooShortOrWithSpaces_IsRefusedWithoutRepeatingIt(string token)
    {
        var result = Validator().Validate(null, new ManagementOptions { Tokens = [Token, token] });

        Assert.Equal(["Handler:Management:Tokens:1 is not a token: use at least 16 characters without spaces (e.g. openssl rand -hex 32)."], result.Failures);
    }

    [Fact]
    public void Tokens_AdmitEachConfiguredBearer_AndItsSessionCookie_AndNothingElse()
    {
        var tokens = new ManagementTokens([Token, "another-token-0123456789"]);

        var session = tokens.SessionFor(Request(bearer: "another-token-0123456789"));

        Assert.True(tokens.Admits(Request(bearer: Token)));
        Assert.True(tokens.Admits(Request(bearer: "another-token-0123456789")));
        Assert.True(tokens.Admits(Request(cookie: session)));
        Assert.False(tokens.Admits(Request(bearer: Token + "x")));
        Assert.False(tokens.Admits(Request()));
        Assert.False(tokens.Admits(Request(cookie: Token)));
        Assert.False(tokens.Admits(Request(cookie: new string('0', 64))));
        Assert.Null(tokens.SessionFor(Request(bearer: "wrong-token-0123456789")));
    }

    [Fact]
    public void NoTokens_AdmitEveryRequest() =>
        Assert.True(new ManagementTokens([]).Admits(Request()));

    private static HttpRequest Request(string? bearer = null, string? cookie = null)
    {
        var context = new DefaultHttpContext();
        if (bearer is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + bearer;
        }

        if (cookie is not null)
        {
            context.Request.Headers.Cookie = $"{ManagementTokens.CookieName}={cookie}";
        }

        return context.Request;
    }
}
