using K8sWebhookHandler.Cli.Arguments;

namespace K8sWebhookHandler.Cli.Tests;

public sealed class CliSettingsTests
{
    private static CliSettings Settings(string line, string? url = null, string? token = null) =>
        CliSettings.From(CommandLine.Parse(line.Split(' ')), new Dictionary<string, string?>
        {
            [CliSettings.UrlVariable] = url,
            [CliSettings.TokenVariable] = token,
        });

    [Fact]
    public void NothingGiven_IsTheLoopbackManagementPortWithoutToken() =>
        Assert.Equal(new CliSettings(new Uri("http://localhost:8081/"), null, OutputFormat.Table), Settings("repositories"));

    [Fact]
    public void Environment_IsUsedWhenNoOptionIsGiven() =>
        Assert.Equal(new CliSettings(new Uri("https://handler.example:9443/mgmt/"), "s3cret", OutputFormat.Table),
            Settings("repositories", url: "https://handler.example:9443/mgmt", token: "s3cret"));

    [Fact]
    public void Options_WinOverTheEnvironment() =>
        Assert.Equal(new CliSettings(new Uri("http://127.0.0.1:9/"), "from-option", OutputFormat.Json),
            Settings("repositories --url http://127.0.0.1:9 --token from-option --output json", url: "http://other:1", token: "from-env"));

    [Theory]
    [InlineData("repositories --url localhost:8081", "'localhost:8081' is not an http or https URL such as http://localhost:8081 (from --url or $K8SWH_URL)")]
    [InlineData("repositories --url ftp://host", "'ftp://host' is not an http or https URL such as http://localhost:8081 (from --url or $K8SWH_URL)")]
    [InlineData("repositories --output yaml", "--output is table or json, not 'yaml'")]
    public void BadSetting_IsAUsageError(string line, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => Settings(line)).Message);

    [Theory]
    [InlineData("two words")]
    [InlineData("line\nbreak")]
    [InlineData("caf\u00e9")]
    public void TokenAHeaderCannotCarry_IsAUsageError_ThatDoesNotPrintIt(string token)
    {
        var error = Assert.Throws<UsageException>(() => Settings("repositories", token: token));

        Assert.Equal("the token (from --token or $K8SWH_TOKEN) has a space, a line break or a non-ASCII character; a bearer token has none", error.Message);
    }

    [Fact]
    public void PrintedSettings_NeverShowTheToken() =>
        Assert.Equal("http://localhost:8081/ (token set, Table)", Settings("repositories", token: "s3cret").ToString());
}
