using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>
/// Requests that break GitHub's OpenAPI description are refused as GitHub refuses them, change nothing, and are recorded
/// as violations in the request log, so that a test of a client can assert it never sent one.
/// </summary>
public sealed class DescriptionValidationTests
{
    private const string Statuses = $"/repos/{GitHubWorld.Owner}/{GitHubWorld.Repo}/statuses/{GitHubWorld.Sha}";
    private const string CheckRuns = $"/repos/{GitHubWorld.Owner}/{GitHubWorld.Repo}/check-runs";
    private const string StatusDocs = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";

    [Theory]
    [InlineData("""{"state":"bogus"}""", "body/state", "For 'properties/state', \"bogus\" is not a member of enum.")]
    [InlineData("""{"context":"ci/build"}""", "body", "\"state\" wasn't supplied.")]
    [InlineData("""{"state":"success","description":5}""", "body/description", "For 'properties/description', 5 is not a string or null.")]
    [InlineData("""{"state":"success","context":["ci"]}""", "body/context", "For 'properties/context', [\"ci\"] is not a string.")]
    public async Task CreateStatus_BreakingTheBodySchema_Is422InvalidRequestAndAViolation(string body, string where, string message)
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, text, _) = await world.SendAsync(HttpMethod.Post, Statuses, body);

        Assert.Equal(422, status);
        var answer = JsonNode.Parse(text)!;
        Assert.Equal($"Invalid request.\n\n{message}", answer["message"]!.GetValue<string>());
        Assert.Equal(StatusDocs, answer["documentation_url"]!.GetValue<string>());
        var violation = Assert.Single(world.Emulator.Requests.Violations());
        Assert.Equal((where, message), (violation.Violation.Where, violation.Violation.Message));
        Assert.Empty(world.Emulator.Statuses.For($"{GitHubWorld.Owner}/{GitHubWorld.Repo}", GitHubWorld.Sha));
    }

    [Fact]
    public async Task CreateCheckRun_WithAnActionLabelPastItsMaxLengthAndASummaryPast65535_Is422NamingBoth()
    {
        await using var world = await GitHubWorld.StartAsync();
        var body = new JsonObject
        {
            ["name"] = "build", ["head_sha"] = GitHubWorld.Sha,
            ["output"] = new JsonObject { ["title"] = "t", ["summary"] = new string('x', 65_536) },
            ["actions"] = new JsonArray(new JsonObject { ["label"] = new string('l', 21), ["description"] = "d", ["identifier"] = "i" }),
        };

        var (status, text, _) = await world.SendAsync(HttpMethod.Post, CheckRuns, body.ToJsonString(), "token " + await world.InstallationTokenAsync());

        Assert.Equal(422, status);
        Assert.Equal(["body/actions/0/label", "body/output/summary"], world.Emulator.Requests.Violations().Select(v => v.Violation.Where).Order());
        var message = JsonNode.Parse(text)!["message"]!.GetValue<string>();
        Assert.Contains("For 'properties/actions/items/properties/label'", message, StringComparison.Ordinal);
        Assert.Contains("For 'properties/output/properties/summary'", message, StringComparison.Ordinal);
        Assert.Empty(world.Emulator.CheckRuns.ForSha($"{GitHubWorld.Owner}/{GitHubWorld.Repo}", GitHubWorld.Sha));
    }

    [Theory]
    [InlineData("""{"status":"completed"}""", "body")]
    [InlineData("""{"started_at":"yesterday"}""", "body/started_at")]
    [InlineData("""{"conclusion":"splendid"}""", "body/conclusion")]
    public async Task UpdateCheckRun_BreakingTheSchema_Is422AndTheRunIsUnchanged(string body, string where)
    {
        await using var world = await GitHubWorld.StartAsync();
        var token = "token " + await world.InstallationTokenAsync();
        var (_, created, _) = await world.SendAsync(HttpMethod.Post, CheckRuns, $$"""{"name":"build","head_sha":"{{GitHubWorld.Sha}}","status":"in_progress"}""", token);
        var id = JsonNode.Parse(created)!["id"]!.GetValue<long>();

        var (status, _, _) = await world.SendAsync(HttpMethod.Patch, $"{CheckRuns}/{id}", body, token);

        Assert.Equal(422, status);
        Assert.Contains(where, world.Emulator.Requests.Violations().Select(v => v.Violation.Where));
        Assert.Equal(("in_progress", null), (world.Emulator.CheckRuns.Get(id)!.Status, world.Emulator.CheckRuns.Get(id)!.Conclusion));
    }

    [Theory]
    [InlineData("GET", "/repos/octo-org/hello/branches", "route", 404)]
    [InlineData("DELETE", Statuses, "route", 404)]
    [InlineData("GET", "/repos/octo-org/hello/check-runs/not-a-number", "path/check_run_id", 404)]
    [InlineData("GET", $"/repos/octo-org/hello/commits/{GitHubWorld.Sha}/check-runs?status=bogus", "query/status", 422)]
    [InlineData("GET", $"/repos/octo-org/hello/commits/{GitHubWorld.Sha}/statuses?per_page=many", "query/per_page", 422)]
    public async Task Request_OutsideTheDescription_IsRefusedAndAViolation(string method, string path, string where, int expected)
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, _, _) = await world.SendAsync(new HttpMethod(method), path);

        Assert.Equal(expected, status);
        Assert.Equal(where, Assert.Single(world.Emulator.Requests.Violations()).Violation.Where);
    }

    [Fact]
    public async Task CreateStatus_WithABodyThatIsNotJson_Is400ProblemsParsingJson()
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, text, _) = await world.SendAsync(HttpMethod.Post, Statuses, "{\"state\":");

        Assert.Equal(400, status);
        Assert.Equal("Problems parsing JSON", JsonNode.Parse(text)!["message"]!.GetValue<string>());
        Assert.Equal("body", Assert.Single(world.Emulator.Requests.Violations()).Violation.Where);
    }

    [Fact]
    public async Task DescribedOperation_TheEmulatorDoesNotServe_Is501NamingItAndNoViolation()
    {
        await using var world = await GitHubWorld.StartAsync();

        var (status, text, _) = await world.SendAsync(HttpMethod.Get, "/repos/octo-org/hello/pulls/1");

        Assert.Equal(501, status);
        Assert.Equal("The emulator does not serve pulls/get.", JsonNode.Parse(text)!["message"]!.GetValue<string>());
        Assert.Empty(world.Emulator.Requests.Violations());
    }
}
