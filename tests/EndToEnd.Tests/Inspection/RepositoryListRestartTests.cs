namespace K8sWebhookHandler.EndToEnd.Tests.Inspection;

/// <summary>The index of known repositories is durable: the handler stopped and started again lists what it listed.</summary>
public sealed class RepositoryListRestartTests : IAsyncLifetime
{
    private readonly HandlerFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    /// <summary>
    /// Stopped as Kubernetes stops a pod (SIGTERM), so the index's last coalesced counts are written as it deactivates;
    /// after the start nothing asks for the repositories themselves, so the list is read from storage alone.
    /// </summary>
    [Fact]
    public async Task TheListOfRepositories_IsTheSameAfterTheHandlerIsStoppedAndStartedAgain()
    {
        var (one, headOne) = await _fixture.NewRepositoryAsync();
        var (two, headTwo) = await _fixture.NewRepositoryAsync();
        var first = (await _fixture.PushNewBranchAsync(one, headOne, "one")).Delivery;
        var second = (await _fixture.PushNewBranchAsync(two, headTwo, "two")).Delivery;
        await _fixture.Client.OutcomeAsync(one.FullName, first);
        await _fixture.Client.OutcomeAsync(two.FullName, second);
        var api = new InspectionApi(_fixture.Client.Management);
        var before = await api.ListedAsync(new Dictionary<string, string> { [one.FullName] = """{"applied":1}""", [two.FullName] = """{"applied":1}""" });

        await _fixture.Handler.StopAsync();
        await _fixture.Handler.RestartAsync();
        await _fixture.Handler.WaitUntilWarmAsync();
        var after = await api.OkAsync("/api/repositories");

        Assert.Equal(before.Select(i => i.ToJsonString()), after["items"]!.AsArray().Select(i => i!.ToJsonString()));
        Assert.Null(after["next"]);
    }
}
