using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// The handler with a Kubernetes request timeout longer than any test: a create the API server holds on purpose
/// stays held until the test releases it, however slowly a busy machine sends the burst before that.
/// </summary>
public sealed class SupersedeFixture : HandlerFixture
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings { get; } =
        new Dictionary<string, string> { ["Handler__KubernetesRequestTimeout"] = "00:10:00" };
}

/// <summary>Superseding with real git commits, the real handler and the emulator: git decides what is newer.</summary>
public sealed class SupersedeTests(SupersedeFixture fixture) : IClassFixture<SupersedeFixture>
{
    private static string NewDelivery() => Guid.NewGuid().ToString();

    private async Task<string> SendAsync(GitRepository repo, string gitRef, string before, string after, bool forced = false, string? delivery = null)
    {
        delivery ??= NewDelivery();
        var payload = fixture.PushPayload(repo, gitRef, before, after, deleted: after == GitHubPayloads.Zero);
        payload["forced"] = forced;
        var (status, answer) = await fixture.Client.SendAsync("push", delivery, payload);
        Assert.True(status == 202, answer.ToJsonString());
        return delivery;
    }

    private async Task<string> StateAsync(GitRepository repo, string delivery) =>
        (await fixture.Client.OutcomeAsync(repo.FullName, delivery))!["state"]!.GetValue<string>();

    private static string Revision(JsonObject workflow) => workflow["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>();

    private static bool IsStopped(JsonObject workflow) => workflow["spec"]?["shutdown"]?.GetValue<string>() == "Stop";

    [Fact]
    public async Task BurstOf30Pushes_LeavesExactlyOneRunningWorkflow_ForTheNewestRevision()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var release = new TaskCompletionSource();
        var repositoryPath = $"/namespaces/ci/workflows";
        // The first create is held by the API server until the burst is acknowledged, so that the rest are waiting.
        bool IsFirstCreate(KubeApiEmulator.Diagnostics.RecordedRequest r) =>
            r.Method == "POST" && r.Path.EndsWith(repositoryPath, StringComparison.Ordinal) && r.Body.Contains(repo.FullName, StringComparison.Ordinal);
        fixture.Emulator.Faults.HoldNext(1, release.Task, IsFirstCreate);
        var deliveries = new List<string>();
        var before = head;
        var revisions = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var after = await repo.CommitFileAsync("main", "counter.txt", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            deliveries.Add(await SendAsync(repo, "refs/heads/main", before, after));
            revisions.Add(after);
            before = after;
            if (i == 0)
            {
                // Only once the first push is being applied do the others come: they wait together and are coalesced.
                await fixture.Emulator.Requests.WaitForAsync(IsFirstCreate, TimeSpan.FromMinutes(3));
            }
        }

        release.SetResult();
        var states = new List<string>();
        foreach (var delivery in deliveries)
        {
            states.Add(await StateAsync(repo, delivery));
        }

        var workflows = fixture.WorkflowsOf(repo);
        var running = Assert.Single(workflows, w => !IsStopped(w));
        Assert.Equal(revisions[^1], Revision(running));
        Assert.Equal(2, workflows.Count);
        Assert.Equal(revisions[0], Revision(Assert.Single(workflows, IsStopped)));
        Assert.Equal(["applied", .. Enumerable.Repeat("superseded", 28), "applied"], states);
    }

    [Fact]
    public async Task PushesDeliveredNewestFirst_ApplyOnlyTheNewest()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var first = await repo.CommitFileAsync("main", "a", "1");
        var second = await repo.CommitFileAsync("main", "a", "2");
        var third = await repo.CommitFileAsync("main", "a", "3");

        var newest = await SendAsync(repo, "refs/heads/main", second, third);
        var middle = await SendAsync(repo, "refs/heads/main", first, second);
        var oldest = await SendAsync(repo, "refs/heads/main", head, first);

        Assert.Equal(["applied", "stale", "stale"], [await StateAsync(repo, newest), await StateAsync(repo, middle), await StateAsync(repo, oldest)]);
        var workflow = Assert.Single(fixture.WorkflowsOf(repo));
        Assert.Equal(third, Revision(workflow));
        Assert.False(IsStopped(workflow));
    }

    [Fact]
    public async Task RedeliveryOfAnOldPushAfterANewerOne_ChangesNothing()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var old = await repo.CommitFileAsync("main", "a", "old");
        var oldDelivery = await SendAsync(repo, "refs/heads/main", head, old);
        var newer = await repo.CommitFileAsync("main", "a", "new");
        var newDelivery = await SendAsync(repo, "refs/heads/main", old, newer);
        Assert.Equal(["applied", "applied"], [await StateAsync(repo, oldDelivery), await StateAsync(repo, newDelivery)]);
        var requests = fixture.Emulator.Requests.Snapshot().Count;

        var redelivered = await SendAsync(repo, "refs/heads/main", head, old);

        Assert.Equal("stale", await StateAsync(repo, redelivered));
        var running = Assert.Single(fixture.WorkflowsOf(repo), w => !IsStopped(w));
        Assert.Equal(newer, Revision(running));
        Assert.DoesNotContain(fixture.Emulator.Requests.Snapshot().Skip(requests), r => r.Method is "POST" or "PATCH" or "DELETE");
    }

    [Fact]
    public async Task ForcePush_SupersedesTheBuildOfTheHistoryItReplaced()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var replaced = await repo.CommitFileAsync("main", "a", "to be replaced");
        var replacedDelivery = await SendAsync(repo, "refs/heads/main", head, replaced);
        // Built before the force push arrives; otherwise the two would wait together and the first be coalesced away.
        Assert.Equal("applied", await StateAsync(repo, replacedDelivery));
        await repo.ForcePushAsync("main", head);
        var rewritten = await repo.CommitFileAsync("main", "a", "rewritten");

        var forced = await SendAsync(repo, "refs/heads/main", replaced, rewritten, forced: true);

        Assert.Equal("applied", await StateAsync(repo, forced));
        var workflows = fixture.WorkflowsOf(repo);
        Assert.Equal(rewritten, Revision(Assert.Single(workflows, w => !IsStopped(w))));
        Assert.Equal(replaced, Revision(Assert.Single(workflows, IsStopped)));
    }

    [Fact]
    public async Task Tags_AreNeverCancelled_ByTagsOrBranches()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        await repo.TagAsync("v1.0.0", head);
        var next = await repo.CommitFileAsync("main", "a", "next");
        await repo.TagAsync("v1.0.1", next);

        var tags = new[]
        {
            await SendAsync(repo, "refs/tags/v1.0.0", GitHubPayloads.Zero, head),
            await SendAsync(repo, "refs/tags/v1.0.1", GitHubPayloads.Zero, next),
        };
        // The same tag push again under a new id is a replay: answered duplicate, not run again.
        var (_, replay) = await fixture.Client.SendAsync("push", NewDelivery(), fixture.PushPayload(repo, "refs/tags/v1.0.1", GitHubPayloads.Zero, next));
        var branch = await SendAsync(repo, "refs/heads/main", head, next);

        foreach (var delivery in tags.Append(branch))
        {
            Assert.Equal("applied", await StateAsync(repo, delivery));
        }

        Assert.Equal("duplicate", replay["status"]!.GetValue<string>());
        var workflows = fixture.WorkflowsOf(repo);
        Assert.Equal(3, workflows.Count);
        Assert.DoesNotContain(workflows, IsStopped);
    }

    [Fact]
    public async Task BranchDeletion_StopsTheBranchsWorkflows_AndRunsTheDeleteManifestOnce()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var feature = await repo.CommitFileAsync("feature", "f", "work");
        var build = await SendAsync(repo, "refs/heads/feature", GitHubPayloads.Zero, feature);
        Assert.Equal("applied", await StateAsync(repo, build));
        await repo.DeleteBranchAsync("feature");

        var deletePayload = GitHubPayloads.Delete(repo.FullName, fixture.Git.GitUrl(repo.FullName), fixture.Git.HttpUrl(repo.FullName), "feature");
        var delete = NewDelivery();
        await fixture.Client.SendAsync("delete", delete, deletePayload);
        var pushDeleted = await SendAsync(repo, "refs/heads/feature", feature, GitHubPayloads.Zero);
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delete);

        Assert.Equal("applied", outcome!["state"]!.GetValue<string>());
        Assert.Single(outcome["stopped"]!.AsArray());
        Assert.Equal("superseded", await StateAsync(repo, pushDeleted));
        var workflows = fixture.WorkflowsOf(repo);
        Assert.Equal(2, workflows.Count);
        Assert.True(IsStopped(Assert.Single(workflows, w => Revision(w) == feature)));
        var deleteRun = Assert.Single(workflows, w => w["metadata"]!["annotations"]!["k8s-webhook-handler.io/event_type"]!.GetValue<string>() == "delete");
        Assert.Equal(head, Revision(deleteRun));
        Assert.False(IsStopped(deleteRun));
    }
}
