using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>
/// An installation token asked for some repositories (<c>repositories: [name]</c>) acts on those only, even where the
/// installation covers more, as GitHub's does; a repository outside the installation cannot be asked for (422).
/// </summary>
public sealed class RepositoryScopedTokenTests
{
    private const long WideInstallation = 7002;
    private const string Pending = """{"state":"pending"}""";

    /// <summary>An installation of the App on <c>octo-org/hello</c> and <c>octo-org/second</c>.</summary>
    private static async Task<GitHubWorld> WorldAsync()
    {
        var world = await GitHubWorld.StartAsync();
        world.Emulator.Catalog.AddRepository(GitHubWorld.Owner, "second", isPrivate: true);
        world.Emulator.Catalog.AddInstallation(GitHubWorld.AppId, WideInstallation, [$"{GitHubWorld.Owner}/{GitHubWorld.Repo}", $"{GitHubWorld.Owner}/second"]);
        return world;
    }

    private static async Task<(int Status, JsonNode Body)> TokenAsync(GitHubWorld world, string body)
    {
        var (status, text, _) = await world.SendAsync(HttpMethod.Post, $"/app/installations/{WideInstallation}/access_tokens", body, "Bearer " + world.Jwt());
        return (status, JsonNode.Parse(text)!);
    }

    [Fact]
    public async Task TokenForOneRepository_ActsOnIt_AndIs404OnTheInstallationsOtherRepository()
    {
        await using var world = await WorldAsync();

        var (created, token) = await TokenAsync(world, """{"repositories":["hello"]}""");
        var authorization = "token " + token["token"]!.GetValue<string>();
        var (own, _, _) = await world.SendAsync(HttpMethod.Post, $"/repos/{GitHubWorld.Owner}/{GitHubWorld.Repo}/statuses/{GitHubWorld.Sha}", Pending, authorization);
        var (other, _, _) = await world.SendAsync(HttpMethod.Post, $"/repos/{GitHubWorld.Owner}/second/statuses/{GitHubWorld.Sha}", Pending, authorization);

        Assert.Equal((201, "selected"), (created, token["repository_selection"]!.GetValue<string>()));
        Assert.Equal(["octo-org/hello"], Assert.Single(world.Emulator.Credentials.Issued).Repositories);
        Assert.Equal((201, 404), (own, other));
        Assert.Empty(world.Emulator.Statuses.For($"{GitHubWorld.Owner}/second", GitHubWorld.Sha));
        Assert.All(world.Emulator.Requests.Snapshot(), r => Assert.Empty(r.ResponseViolations));
    }

    [Fact]
    public async Task TokenWithoutRepositories_ActsOnEveryRepositoryOfTheInstallation()
    {
        await using var world = await WorldAsync();

        var (created, token) = await TokenAsync(world, "{}");
        var authorization = "token " + token["token"]!.GetValue<string>();
        var (other, _, _) = await world.SendAsync(HttpMethod.Post, $"/repos/{GitHubWorld.Owner}/second/statuses/{GitHubWorld.Sha}", Pending, authorization);

        Assert.Equal((201, "all"), (created, token["repository_selection"]!.GetValue<string>()));
        Assert.Equal(201, other);
    }

    [Theory]
    [InlineData("""{"repositories":["private"]}""")]
    [InlineData("""{"repositories":["hello","nowhere"]}""")]
    public async Task RepositoryOutsideTheInstallation_Is422_AndIssuesNothing(string body)
    {
        await using var world = await WorldAsync();

        var (status, answer) = await TokenAsync(world, body);

        Assert.Equal(422, status);
        Assert.Equal("There is at least one repository that does not exist or is not accessible to the parent installation.",
            answer["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Empty(world.Emulator.Credentials.Issued);
        Assert.Empty(world.Emulator.Requests.Snapshot().Single().ResponseViolations);
    }
}
