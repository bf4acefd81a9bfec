using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>What the real handler answers and records when it does not apply: ignored refs, API server errors, readiness.</summary>
public sealed class OutcomeReportTests(HandlerFixture fixture) : IClassFixture<HandlerFixture>
{
    private static string NewDelivery() => Guid.NewGuid().ToString();

    [Fact]
    public async Task PushToAnIgnoredRef_IsAnsweredIgnored_RecordedIgnoredRefWithTheReason_AndNothingIsFetchedOrWritten()
    {
        var (repo, _) = await fixture.NewRepositoryAsync();
        var head = await repo.CommitFileAsync("ignored/deps", "deps.txt", "bump");
        var delivery = NewDelivery();

        var (status, answer) = await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/ignored/deps", GitHubPayloads.Zero, head, created: true));
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal(202, status);
        Assert.Equal("ignored", answer["status"]!.GetValue<string>());
        Assert.Equal("ignored-ref", outcome!["state"]!.GetValue<string>());
        Assert.Equal("refs/heads/ignored/deps matches Handler:IgnoreRefs", outcome["reason"]!.GetValue<string>());
        Assert.DoesNotContain(fixture.Emulator.Requests.Snapshot(), r => r.Method != "GET" && r.Body.Contains(repo.FullName, StringComparison.Ordinal));
        Assert.Empty(fixture.WorkflowsOf(repo));
        Assert.Empty(MirrorsOf(repo.FullName));
    }

    /// <summary>The handler's git mirrors of a repository: directories under the data directory's <c>mirrors</c> named after it.</summary>
    private IEnumerable<string> MirrorsOf(string fullName)
    {
        var mirrors = Path.Combine(fixture.Handler.DataDirectory, "mirrors");
        var name = fullName.Split('/')[1];
        return Directory.Exists(mirrors)
            ? Directory.EnumerateDirectories(mirrors, "*", SearchOption.AllDirectories).Where(d => Path.GetFileName(d).Contains(name, StringComparison.Ordinal))
            : [];
    }
}
