using K8sWebhookHandler.Cli.Arguments;
using K8sWebhookHandler.Cli.Http;

namespace K8sWebhookHandler.Cli.Tests;

public sealed class CommandLineTests
{
    private static ApiRequest Request(params string[] args) => ApiRequest.For(CommandLine.Parse(args));

    [Fact]
    public void Show_WithWait_AsksTheApiToWaitAndExtendsTheDeadline()
    {
        var request = Request("show", "octo-org/app", "d-1", "--wait", "10");

        Assert.Equal((HttpMethod.Get, "api/repositories/octo-org/app/deliveries/d-1?wait=10", TimeSpan.FromSeconds(10)),
            (request.Method, request.Path, request.Wait));
    }

    [Fact]
    public void Deliveries_WithFiltersInAnyOrderAndForm_EscapesThemIntoTheQuery()
    {
        var request = Request("--output=json", "deliveries", "--ref", "refs/heads/a b", "o/n", "--state=queued", "--event", "push", "--limit", "5");

        Assert.Equal("api/repositories/o/n/deliveries?state=queued&ref=refs%2Fheads%2Fa%20b&event=push&limit=5", request.Path);
    }

    [Theory]
    [InlineData("repositories", "api/repositories")]
    [InlineData("repositories --state queued --cursor c/1 --limit 200", "api/repositories?state=queued&limit=200&cursor=c%2F1")]
    [InlineData("refs o/n", "api/repositories/o/n/refs")]
    [InlineData("recovery", "api/recovery")]
    [InlineData("show o/n a%2Fb", "api/repositories/o/n/deliveries/a%252Fb")]
    public void Command_IsTheContractsPath(string line, string path) =>
        Assert.Equal(path, Request(line.Split(' ')).Path);

    [Fact]
    public void Retry_IsAPostToTheDeliverysRetry()
    {
        var request = Request("retry", "o/n", "d-1");

        Assert.Equal((HttpMethod.Post, "api/repositories/o/n/deliveries/d-1/retry"), (request.Method, request.Path));
    }

    [Fact]
    public void Recover_IsAPostOfARun_WhoseDeadlineAllowsForTheApisOwnWait()
    {
        var request = Request("recover");

        Assert.Equal((HttpMethod.Post, "api/recovery/runs", TimeSpan.FromSeconds(20)), (request.Method, request.Path, request.Wait));
    }

    [Fact]
    public void DoubleDash_EndsTheOptions()
    {
        var line = CommandLine.Parse(["show", "--", "o/n", "--odd-id"]);

        Assert.Equal(["o/n", "--odd-id"], line.Positionals);
    }

    [Theory]
    [InlineData("", "no command given", null)]
    [InlineData("list", "unknown command 'list'", null)]
    [InlineData("show o/n", "'show' takes OWNER/NAME DELIVERY, not 1 argument(s)", "show")]
    [InlineData("repositories extra", "'repositories' takes no arguments, not 1 argument(s)", "repositories")]
    [InlineData("refs o/n --state queued", "'refs' has no option --state", "refs")]
    [InlineData("refs o/n --url", "--url needs a value", null)]
    [InlineData("refs o/n --url a --url b", "--url is given twice", null)]
    [InlineData("refs o/n -x", "unknown option '-x'", null)]
    public void WrongCommandLine_IsAUsageErrorNamingTheCommand(string line, string message, string? command)
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.Equal((message, command), (error.Message, error.Command));
    }

    [Theory]
    [InlineData("refs octo-org", "'octo-org' is not OWNER/NAME, e.g. octo-org/app")]
    [InlineData("refs a/b/c", "'a/b/c' is not OWNER/NAME, e.g. octo-org/app")]
    [InlineData("refs /b", "'/b' is not OWNER/NAME, e.g. octo-org/app")]
    [InlineData("repositories --limit 0", "--limit is a whole number above 0, e.g. --limit 20, not '0'")]
    [InlineData("repositories --limit ten", "--limit is a whole number above 0, e.g. --limit 20, not 'ten'")]
    [InlineData("show o/n d --wait -1", "--wait is a number of seconds, e.g. --wait 10, not '-1'")]
    public void BadArgument_IsAUsageErrorSayingWhatToSend(string line, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => Request(line.Split(' '))).Message);

    [Theory]
    [InlineData("--help", null)]
    [InlineData("-h", null)]
    [InlineData("help", null)]
    [InlineData("help show", "show")]
    [InlineData("show --help", "show")]
    [InlineData("deliveries o/n -h", "deliveries")]
    public void HelpAnywhere_AsksForHelp(string line, string? command)
    {
        var parsed = CommandLine.Parse(line.Split(' '));

        Assert.Equal((true, command), (parsed.Help, parsed.Command?.Name));
    }
}
