using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
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

    [Fact]
    public async Task ProxyPagesInsteadOfStatusBodies_AreRecordedWordForWord_RetriedWhenTransient_AndTheHandlerStaysUp()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var next = await repo.CommitFileAsync("main", "app.txt", "change");
        bool CreateOf(RecordedRequest r) =>
            r.Method == "POST" && r.Path == "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows" && r.Body.Contains(repo.FullName, StringComparison.Ordinal);
        fixture.Emulator.Faults.AnswerNext(1, 403, "<html><body>\n<h1>403 Forbidden</h1>\n</body></html>", "text/html", CreateOf);

        var refused = await SendAndWaitAsync(repo, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head, created: true));
        var name = JsonNode.Parse(fixture.Emulator.Requests.Snapshot().First(CreateOf).Body)!["metadata"]!["name"]!.GetValue<string>();
        fixture.Emulator.Faults.AnswerNext(1, 502, "", null, CreateOf);
        var retried = await SendAndWaitAsync(repo, fixture.PushPayload(repo, "refs/heads/main", head, next));
        using var health = await fixture.Client.Http.GetAsync("/healthz");

        Assert.Equal("rejected", refused["state"]!.GetValue<string>());
        Assert.Equal($"Workflow ci/{name}: the handler's service account may not do this: <html><body> <h1>403 Forbidden</h1> </body></html>", refused["reason"]!.GetValue<string>());
        Assert.Equal(1, refused["attempts"]!.GetValue<int>());
        Assert.Equal("applied", retried["state"]!.GetValue<string>());
        Assert.Equal(2, retried["attempts"]!.GetValue<int>());
        Assert.Equal(next, Assert.Single(fixture.WorkflowsOf(repo))["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>());
        Assert.True(health.IsSuccessStatusCode);
        Assert.True(fixture.Handler.IsRunning);
    }

    [Fact]
    public async Task ApiServerFailingTheProbe_MakesTheHandlerNotReadyWithTheReason_AndReadyAgainAfter()
    {
        fixture.Emulator.Faults.FailNext(1, 503, r => r.Path == "/version");

        using var failing = await fixture.Client.Http.GetAsync("/readyz");
        var report = JsonNode.Parse(await failing.Content.ReadAsStringAsync())!;
        using var ready = await fixture.Client.Http.GetAsync("/readyz");

        Assert.Equal(503, (int)failing.StatusCode);
        Assert.Equal("Unhealthy", report["checks"]!["kubernetes"]!["status"]!.GetValue<string>());
        Assert.Equal($"the Kubernetes API at {fixture.Emulator.BaseUri} answered GET /version with 503 ServiceUnavailable: the server is currently unable to handle the request",
            report["checks"]!["kubernetes"]!["description"]!.GetValue<string>());
        Assert.Equal("Healthy", report["checks"]!["grain-storage"]!["status"]!.GetValue<string>());
        Assert.Equal(200, (int)ready.StatusCode);
    }

    private async Task<JsonObject> SendAndWaitAsync(Testing.Git.GitRepository repo, JsonObject payload)
    {
        var delivery = NewDelivery();
        var (status, answer) = await fixture.Client.SendAsync("push", delivery, payload);
        Assert.True(status == 202, answer.ToJsonString());
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        Assert.NotNull(outcome);
        return outcome;
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
