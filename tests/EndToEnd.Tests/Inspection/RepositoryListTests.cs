using System.Text.Json.Nodes;

namespace K8sWebhookHandler.EndToEnd.Tests.Inspection;

/// <summary>The list of repositories and the delivery filters in the local all-in-one mode.</summary>
public sealed class LocalRepositoryListTests(HandlerFixture fixture) : RepositoryListTests<HandlerFixture>(fixture);

/// <summary>The same against the cluster mode: silos storing the index in Redis, the Api as their client.</summary>
public sealed class ClusterRepositoryListTests(ClusterHandlerFixture fixture) : RepositoryListTests<ClusterHandlerFixture>(fixture);

/// <summary>
/// Pushes to two repositories, read back through the inspection API: the index of known repositories with counts by
/// state, its state filter and pages, a repository's deliveries by state, ref and event, its refs, and the problem
/// details a wrong query gets.
/// </summary>
public abstract class RepositoryListTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : HandlerFixture
{
    private InspectionApi Api => new(fixture.Client.Management);

    [Fact]
    public async Task PushesToTwoRepositories_AreListedWithCounts_AndTheirDeliveriesFilterByStateRefAndEvent()
    {
        var (one, headOne) = await fixture.NewRepositoryAsync();
        var (two, headTwo) = await fixture.NewRepositoryAsync();
        var oneMain = await PushAsync(one, "refs/heads/main", headOne);
        var oneFeature = (await fixture.PushNewBranchAsync(one, headOne, "feature")).Delivery;
        var twoIgnored = await PushAsync(two, "refs/heads/ignored/x", headTwo);
        var twoMain = await PushAsync(two, "refs/heads/main", headTwo);
        foreach (var (repository, delivery) in new[] { (one, oneMain), (one, oneFeature), (two, twoMain) })
        {
            Assert.Equal("applied", (await fixture.Client.OutcomeAsync(repository.FullName, delivery))["state"]!.GetValue<string>());
        }

        var listed = await Api.ListedAsync(new Dictionary<string, string>
        {
            [one.FullName] = """{"applied":2}""",
            [two.FullName] = """{"applied":1,"ignored-ref":1}""",
        });
        var stuck = await Api.OkAsync("/api/repositories?state=ignored-ref&limit=200");
        var firstPage = await Api.OkAsync($"/api/repositories?limit=1&state=ignored-ref");
        var ignored = await Api.OkAsync($"/api/repositories/{two.FullName}/deliveries?state=ignored-ref");
        var onMain = await Api.OkAsync($"/api/repositories/{two.FullName}/deliveries?ref=refs/heads/main");
        var pushes = await Api.OkAsync($"/api/repositories/{two.FullName}/deliveries?event=push&limit=1");
        var older = await Api.OkAsync($"/api/repositories/{two.FullName}/deliveries?event=push&limit=1&cursor={pushes["next"]}");
        var refs = await Api.OkAsync($"/api/repositories/{one.FullName}/refs");

        Assert.Equal(new[] { one.FullName, two.FullName }.Order(StringComparer.Ordinal), listed.Select(i => i["repository"]!.GetValue<string>()));
        Assert.All(listed, i => Assert.True(i["lastActivity"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UnixEpoch));
        Assert.Contains(two.FullName, stuck["items"]!.AsArray().Select(i => i!["repository"]!.GetValue<string>()));
        Assert.DoesNotContain(one.FullName, stuck["items"]!.AsArray().Select(i => i!["repository"]!.GetValue<string>()));
        Assert.Single(firstPage["items"]!.AsArray());
        Assert.Equal([twoIgnored], InspectionApi.Deliveries(ignored));
        Assert.Equal([twoMain], InspectionApi.Deliveries(onMain));
        Assert.Equal([twoMain], InspectionApi.Deliveries(pushes));
        Assert.Equal([twoIgnored], InspectionApi.Deliveries(older));
        Assert.Null(older["next"]);
        Assert.Equal(["refs/heads/feature", "refs/heads/main"], refs.AsArray().Select(r => r!["ref"]!.GetValue<string>()));
        Assert.Equal(headOne, refs[1]!["lastRevision"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/repositories?state=stuck", "state")]
    [InlineData("/api/repositories?limit=0", "limit")]
    [InlineData("/api/repositories?limit=201", "limit")]
    [InlineData("/api/repositories?cursor=not-a-cursor", "cursor")]
    [InlineData("/api/repositories/e2e/x/deliveries?ref=main", "ref")]
    [InlineData("/api/repositories/e2e/x/deliveries?event=Push%20Event", "event")]
    [InlineData("/api/repositories/e2e/x/deliveries?state=applied&state=failed", "state")]
    public async Task AQueryValueThatIsNotValid_IsA400ProblemSayingWhatToSend(string path, string parameter)
    {
        var (status, problem) = await Api.GetAsync(path);

        Assert.Equal(400, status);
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.Equal([parameter], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains(parameter, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownDelivery_IsA404Problem_NamingWhereToLook()
    {
        var (status, problem) = await Api.GetAsync("/api/repositories/e2e/nobody/deliveries/never-sent");

        Assert.Equal(404, status);
        Assert.Equal("Unknown delivery", problem["title"]!.GetValue<string>());
        Assert.Contains("/api/repositories/e2e/nobody/deliveries", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<string> PushAsync(Testing.Git.GitRepository repository, string gitRef, string head)
    {
        var delivery = Guid.NewGuid().ToString();
        var (status, _) = await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repository, gitRef, Testing.Handler.GitHubPayloads.Zero, head));
        Assert.Equal(202, status);
        return delivery;
    }
}
