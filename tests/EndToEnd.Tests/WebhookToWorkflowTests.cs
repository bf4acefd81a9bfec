using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>A signed GitHub delivery becomes a stamped Workflow, through the real handler process.</summary>
public sealed class WebhookToWorkflowTests(HandlerFixture fixture) : IClassFixture<HandlerFixture>
{
    private static string NewDelivery() => Guid.NewGuid().ToString();

    private async Task<JsonObject> SendAndWaitAsync(string eventType, JsonObject payload, string repository, string? delivery = null)
    {
        delivery ??= NewDelivery();
        var (status, body) = await fixture.Client.SendAsync(eventType, delivery, payload);
        Assert.True(status == 202, $"expected 202, got {status}: {body.ToJsonString()}\n{fixture.Handler.Log}");
        return await fixture.Client.OutcomeAsync(repository, delivery);
    }

    /// <summary>
    /// A push to main sent after the delivery under test, waited for until it is applied: one repository's deliveries
    /// are processed in arrival order, so anything the earlier delivery set off has finished by then. Returns its id.
    /// </summary>
    private async Task<string> BarrierAsync(GitRepository repo, string head)
    {
        var delivery = NewDelivery();
        var outcome = await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head, created: true), repo.FullName, delivery);
        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
        return delivery;
    }

    /// <summary>The delivery ids of the repository's workflows.</summary>
    private IEnumerable<string> WorkflowDeliveries(GitRepository repo) =>
        fixture.WorkflowsOf(repo).Select(w => w["metadata"]!["labels"]!["k8s-webhook-handler.io/delivery"]!.GetValue<string>());

    [Fact]
    public async Task SignedPush_YieldsOneStampedWorkflow_AndItsRedeliveryIsADuplicate()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var after = await repo.CommitFileAsync("main", "src/app.txt", "change");
        var payload = fixture.PushPayload(repo, "refs/heads/main", head, after);
        var delivery = NewDelivery();

        var (status, answer) = await fixture.Client.SendAsync("push", delivery, payload);
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        var (againStatus, again) = await fixture.Client.SendAsync("push", delivery, payload);

        Assert.Equal(202, status);
        Assert.Equal("queued", answer["status"]!.GetValue<string>());
        Assert.Equal(delivery, answer["deliveryId"]!.GetValue<string>());
        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
        Assert.Equal(202, againStatus);
        Assert.Equal("duplicate", again["status"]!.GetValue<string>());
        var workflow = Assert.Single(fixture.WorkflowsOf(repo));
        var annotations = workflow["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("platform", annotations["team"]!.GetValue<string>());
        Assert.Equal("refs/heads/main", annotations["k8s-webhook-handler.io/ref"]!.GetValue<string>());
        Assert.Equal(after, annotations["k8s-webhook-handler.io/revision"]!.GetValue<string>());
        Assert.Equal(head, annotations["k8s-webhook-handler.io/before"]!.GetValue<string>());
        Assert.Equal(repo.FullName, annotations["k8s-webhook-handler.io/repo_name"]!.GetValue<string>());
        Assert.Equal(fixture.Git.GitUrl(repo.FullName).ToString(), annotations["k8s-webhook-handler.io/repo_url"]!.GetValue<string>());
        Assert.Equal($"git@127.0.0.1:{repo.FullName}.git", annotations["k8s-webhook-handler.io/repo_ssh"]!.GetValue<string>());
        Assert.Equal("push", annotations["k8s-webhook-handler.io/event_type"]!.GetValue<string>());
        Assert.Equal("", annotations["k8s-webhook-handler.io/event_action"]!.GetValue<string>());
        Assert.Equal("ci", workflow["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal(delivery, workflow["metadata"]!["labels"]!["k8s-webhook-handler.io/delivery"]!.GetValue<string>());
    }

    [Fact]
    public async Task ManifestIsReadAtThePushedRevision_NotTheBranchTip()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var pushed = await repo.CommitFileAsync("main", ".ci/workflow.yaml", HandlerFixture.Manifest.Replace("alpine:3.20", "alpine:pushed", StringComparison.Ordinal));
        await repo.CommitFileAsync("main", ".ci/workflow.yaml", HandlerFixture.Manifest.Replace("alpine:3.20", "alpine:later", StringComparison.Ordinal));

        await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/heads/main", head, pushed), repo.FullName);

        var workflow = Assert.Single(fixture.WorkflowsOf(repo));
        Assert.Equal("alpine:pushed", workflow["spec"]!["templates"]![0]!["container"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task TagPush_YieldsAWorkflowForTheTag()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        await repo.TagAsync("v1.0.0", head, "release");

        var outcome = await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/tags/v1.0.0", GitHubPayloads.Zero, head, created: true), repo.FullName);

        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
        var workflow = Assert.Single(fixture.WorkflowsOf(repo));
        Assert.Equal("refs/tags/v1.0.0", workflow["metadata"]!["annotations"]!["k8s-webhook-handler.io/ref"]!.GetValue<string>());
        Assert.Equal(head, workflow["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>());
    }

    [Fact]
    public async Task BranchDelete_AppliesTheDefaultBranchManifestOnce_WithEventTypeDelete()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var feature = await repo.CommitFileAsync("feature", "f.txt", "feature work");
        await repo.DeleteBranchAsync("feature");
        var deletePayload = GitHubPayloads.Delete(repo.FullName, fixture.Git.GitUrl(repo.FullName), fixture.Git.HttpUrl(repo.FullName), "feature");

        var deleted = await SendAndWaitAsync("delete", deletePayload, repo.FullName);
        var pushDeleted = await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/heads/feature", feature, GitHubPayloads.Zero, deleted: true), repo.FullName);

        Assert.Equal("applied", deleted["state"]!.GetValue<string>());
        Assert.Equal("superseded", pushDeleted["state"]!.GetValue<string>());
        var workflow = Assert.Single(fixture.WorkflowsOf(repo));
        var annotations = workflow["metadata"]!["annotations"]!;
        Assert.Equal("delete", annotations["k8s-webhook-handler.io/event_type"]!.GetValue<string>());
        Assert.Equal("refs/heads/feature", annotations["k8s-webhook-handler.io/ref"]!.GetValue<string>());
        Assert.Equal(head, annotations["k8s-webhook-handler.io/revision"]!.GetValue<string>());
    }

    [Fact]
    public async Task CheckSuiteRequested_YieldsAWorkflowAtTheHeadCommit()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var payload = GitHubPayloads.CheckSuite(repo.FullName, fixture.Git.GitUrl(repo.FullName), fixture.Git.HttpUrl(repo.FullName), "main", head);

        var outcome = await SendAndWaitAsync("check_suite", payload, repo.FullName);

        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
        var annotations = Assert.Single(fixture.WorkflowsOf(repo))["metadata"]!["annotations"]!;
        Assert.Equal("check_suite", annotations["k8s-webhook-handler.io/event_type"]!.GetValue<string>());
        Assert.Equal("requested", annotations["k8s-webhook-handler.io/event_action"]!.GetValue<string>());
        Assert.Equal(head, annotations["k8s-webhook-handler.io/revision"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ping_IsAnswered_AndNothingIsApplied()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var ping = GitHubPayloads.Load("ping/payload.json");
        GitHubPayloads.PointAt(ping, repo.FullName, fixture.Git.GitUrl(repo.FullName), fixture.Git.HttpUrl(repo.FullName));
        var delivery = NewDelivery();

        var (status, answer) = await fixture.Client.SendAsync("ping", delivery, ping);
        var record = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        var barrier = await BarrierAsync(repo, head);

        Assert.Equal(202, status);
        Assert.Equal("ignored", answer["status"]!.GetValue<string>());
        Assert.Equal("ignored", record["state"]!.GetValue<string>());
        Assert.Equal([barrier], WorkflowDeliveries(repo));
        Assert.DoesNotContain(fixture.Emulator.Requests.Snapshot(), r => r.Body.Contains(delivery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PushWithoutAManifest_IsRecordedAsNoManifest()
    {
        var (repo, head) = await fixture.NewRepositoryAsync(manifest: null);

        var outcome = await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head, created: true), repo.FullName);

        Assert.Equal("no-manifest", outcome["state"]!.GetValue<string>());
        Assert.Empty(fixture.WorkflowsOf(repo));
    }

    [Fact]
    public async Task HostileManifest_IsRejected_AndTheHandlerStaysUp()
    {
        var bomb = new StringBuilder("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 9; level++)
        {
            bomb.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 9))}]\n");
        }

        var (repo, head) = await fixture.NewRepositoryAsync(bomb.ToString());

        var outcome = await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head), repo.FullName);

        Assert.Equal("rejected", outcome["state"]!.GetValue<string>());
        Assert.Contains("alias expansion", outcome["reason"]!.GetValue<string>());
        Assert.True(fixture.Handler.IsRunning);
        Assert.Empty(fixture.WorkflowsOf(repo));
    }

    [Fact]
    public async Task ManifestAskingForAForbiddenKindOrNamespace_IsRejected()
    {
        var (repo, head) = await fixture.NewRepositoryAsync(HandlerFixture.Manifest + "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\n");
        var other = await repo.CommitFileAsync("main", ".ci/workflow.yaml", HandlerFixture.Manifest.Replace("  generateName: build-", "  generateName: build-\n  namespace: kube-system", StringComparison.Ordinal));

        var kind = await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head), repo.FullName);
        var ns = await SendAndWaitAsync("push", fixture.PushPayload(repo, "refs/heads/main", head, other), repo.FullName);

        Assert.Equal("rejected", kind["state"]!.GetValue<string>());
        Assert.Contains("v1/Secret is not an allowed kind", kind["reason"]!.GetValue<string>());
        Assert.Equal("rejected", ns["state"]!.GetValue<string>());
        Assert.Contains("names namespace kube-system", ns["reason"]!.GetValue<string>());
        Assert.Empty(fixture.WorkflowsOf(repo));
    }

    [Fact]
    public async Task FormEncodedDelivery_OnTheRootPath_IsAccepted()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var json = fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head).ToJsonString();
        var body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(json));
        var delivery = NewDelivery();

        var (status, answer) = await fixture.Client.SendAsync("push", delivery, body, path: "/", contentType: "application/x-www-form-urlencoded");
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal(202, status);
        Assert.Equal("queued", answer["status"]!.GetValue<string>());
        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
    }

    public static TheoryData<string, int, string> BadInputs() => new()
    {
        { "wrong-signature", 401, "signature does not match" },
        { "no-signature", 401, "missing X-Hub-Signature-256" },
        { "no-event", 400, "missing X-GitHub-Event" },
        { "no-delivery", 400, "X-GitHub-Delivery" },
        { "malformed-json", 400, "malformed JSON" },
        { "no-repository", 400, "names no repository" },
        { "form-without-payload", 400, "form body without a payload field" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_IsRefusedWithAShortReason_AndChangesNothing(string kind, int expectedStatus, string expectedReason)
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var body = Encoding.UTF8.GetBytes(fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head).ToJsonString());
        var headers = new Dictionary<string, string?>();
        var contentType = "application/json";
        switch (kind)
        {
            case "wrong-signature":
                headers["X-Hub-Signature-256"] = WebhookClient.Sign("not-the-secret", body);
                break;
            case "no-signature":
                headers["X-Hub-Signature-256"] = null;
                break;
            case "no-event":
                headers["X-GitHub-Event"] = null;
                break;
            case "no-delivery":
                headers["X-GitHub-Delivery"] = null;
                break;
            case "malformed-json":
                body = Encoding.UTF8.GetBytes("{\"ref\": \"refs/heads/main\", ");
                break;
            case "no-repository":
                body = Encoding.UTF8.GetBytes("{\"ref\": \"refs/heads/main\", \"after\": \"" + head + "\"}");
                break;
            case "form-without-payload":
                body = Encoding.UTF8.GetBytes("json=" + Uri.EscapeDataString(Encoding.UTF8.GetString(body)));
                contentType = "application/x-www-form-urlencoded";
                break;
        }

        var (status, answer) = await fixture.Client.SendAsync("push", NewDelivery(), body, contentType: contentType, headers: headers);

        var barrier = await BarrierAsync(repo, head);

        Assert.Equal(expectedStatus, status);
        Assert.Contains(expectedReason, answer["error"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", answer.ToJsonString());
        Assert.Equal([barrier], WorkflowDeliveries(repo));
        using var repositoryState = await fixture.Client.Management.GetAsync($"/api/repositories/{repo.FullName}");
        var snapshot = JsonNode.Parse(await repositoryState.Content.ReadAsStringAsync())!;
        Assert.Equal([barrier], snapshot["deliveries"]!.AsArray().Select(d => d!["delivery"]!.GetValue<string>()));
        Assert.True(fixture.Handler.IsRunning);
    }

    [Fact]
    public async Task BodyOverTheCap_Is413_AndTheHandlerStaysUp()
    {
        var body = new byte[(25 * 1024 * 1024) + 1];
        Array.Fill(body, (byte)' ');

        var (status, answer) = await fixture.Client.SendAsync("push", NewDelivery(), body);
        using var health = await fixture.Client.Http.GetAsync("/healthz");

        Assert.Equal(413, status);
        Assert.Contains("larger than", answer["error"]!.GetValue<string>());
        Assert.True(health.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Readiness_ReportsGrainStorageAndTheCluster()
    {
        using var response = await fixture.Client.Http.GetAsync("/readyz");
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(response.IsSuccessStatusCode, report.ToJsonString());
        Assert.Equal("Healthy", report["checks"]!["kubernetes"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", report["checks"]!["grain-storage"]!["status"]!.GetValue<string>());
    }
}
