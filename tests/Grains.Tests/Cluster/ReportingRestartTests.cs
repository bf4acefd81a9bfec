using K8sWebhookHandler.Abstractions.Reporting;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A report written down is sent after the silo dies, once, without a new webhook.</summary>
public sealed class ReportingRestartTests : IAsyncLifetime
{
    private readonly ReportingClusterFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task ReportPendingWhenTheSiloDies_IsSentOnceAfterRestart()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository, after: TestEvents.Sha(7));
        _fixture.Reporter.Down = true;
        await _fixture.Grain(repository).Enqueue(push);
        await _fixture.OutcomeAsync(repository, push);

        await _fixture.KillAsync();
        _fixture.Reporter.Down = false;
        await _fixture.StartAsync();
        await _fixture.Grain(repository).Wake();
        await _fixture.Reporter.SentAsync(1);

        Assert.Equal([(ReportOutcome.Running, "running")], _fixture.SentFor(repository));
    }
}
