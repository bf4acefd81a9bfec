using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// Pull requests and merge queues through the real handler: commits published as GitHub does (the head as
/// <c>refs/pull/N/head</c> on the base repository, a fork as a repository of its own), and the emulator's Workflows.
/// </summary>
public sealed class PullRequestTests(SupersedeFixture fixture) : IClassFixture<SupersedeFixture>
{
    private const string Prefix = "k8s-webhook-handler.io/";
    private const int Number = 7;
    private const string PullRef = "refs/pull/7/head";
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);
    private static readonly string[] RanOrSuperseded = ["applied", "superseded"];

    private static string? Annotation(JsonObject workflow, string name) => workflow["metadata"]!["annotations"]?[Prefix + name]?.GetValue<string>();

    private static string? Label(JsonObject labels, string name) => labels[Prefix + name]?.GetValue<string>();

    private static string? Revision(JsonObject workflow) => Annotation(workflow, "revision");

    private static bool IsStopped(JsonObject workflow) => workflow["spec"]?["shutdown"]?.GetValue<string>() == "Stop";

    private static string Image(JsonObject workflow) => workflow["spec"]!["templates"]![0]!["container"]!["image"]!.GetValue<string>();

    private static string Manifest(string image) => HandlerFixture.Manifest.Replace("alpine:3.20", image, StringComparison.Ordinal);

    private List<JsonObject> PullRequestWorkflows(GitRepository repo) =>
        fixture.WorkflowsOf(repo).Where(w => Annotation(w, "event_type") == "pull_request").ToList();

    /// <summary>Sends a delivery under a new id; fails unless it is answered 202 (and <paramref name="expected"/>, when given). Returns the id.</summary>
    private async Task<string> SendAsync(string eventType, JsonObject payload, string? expected = "queued")
    {
        var delivery = Guid.NewGuid().ToString();
        var (status, answer) = await fixture.Client.SendAsync(eventType, delivery, payload);
        Assert.True(status == 202 && (expected is null || answer["status"]?.GetValue<string>() == expected), $"expected 202 {expected}, got {status}: {answer.ToJsonString()}");
        return delivery;
    }

    private async Task<string> StateAsync(GitRepository repo, string delivery) =>
        (await fixture.Client.OutcomeAsync(repo.FullName, delivery))["state"]!.GetValue<string>();

    /// <summary>
    /// A new commit on main pushed after what is under test, waited for until it is applied: one repository's deliveries
    /// are processed in arrival order, so whatever the earlier ones set off has been done by then.
    /// </summary>
    private async Task BarrierAsync(GitRepository repo)
    {
        var after = await repo.CommitFileAsync("main", "barrier.txt", Guid.NewGuid().ToString());
        Assert.Equal("applied", await StateAsync(repo, await SendAsync("push", fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, after))));
    }

    /// <summary>Commits on the pull request's branch in <paramref name="head"/> and publishes it on <paramref name="repo"/> as GitHub does; returns the commit.</summary>
    private static async Task<string> PushToPullRequestAsync(GitRepository repo, GitRepository head, string path, string content)
    {
        var sha = await head.CommitFileAsync("patch", path, content);
        await repo.PublishPullRequestAsync(Number, sha, headRepository: head);
        return sha;
    }

    /// <summary>
    /// A <c>/ok-to-test</c> by a member, recorded <c>triggered</c>; once the Workflow for <paramref name="sha"/> is being
    /// made, the approved delivery <paramref name="awaiting"/> is queued again: returns its state when it is final.
    /// </summary>
    private async Task<string> ApproveAsync(GitRepository repo, string sha, string awaiting)
    {
        var comment = fixture.CommentPayload(repo, Number, "Had a look, the change is fine.\r\n/ok-to-test\r\n", "maintainer", "MEMBER");
        Assert.Equal("triggered", await StateAsync(repo, await SendAsync("issue_comment", comment, expected: null)));
        await fixture.Emulator.Requests.WaitForAsync(r => IsCreateOf(r, sha), SafetyNet);
        return await StateAsync(repo, awaiting);
    }

    private static bool IsCreateOf(RecordedRequest r, string sha) =>
        r.Method == "POST" && r.Path.EndsWith("/namespaces/ci/workflows", StringComparison.Ordinal) && r.Body.Contains(sha, StringComparison.Ordinal);

    [Fact]
    public async Task Opened_YieldsOneWorkflowAtTheHeadSha_WithEveryAnnotation()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var sha = await PushToPullRequestAsync(repo, repo, "feature.txt", "work");
        var pr = new PullRequestSpec(Number, "main", head, repo.FullName, "patch", sha);

        var delivery = await SendAsync("pull_request", fixture.PullRequestPayload(repo, "opened", pr));

        Assert.Equal("applied", await StateAsync(repo, delivery));
        var workflow = Assert.Single(fixture.WorkflowsOf(repo));
        var expected = new Dictionary<string, string?>
        {
            ["ref"] = PullRef,
            ["revision"] = sha,
            ["before"] = head,
            ["repo_name"] = repo.FullName,
            ["repo_url"] = fixture.Git.GitUrl(repo.FullName).ToString(),
            ["repo_ssh"] = $"git@127.0.0.1:{repo.FullName}.git",
            ["event_type"] = "pull_request",
            ["event_action"] = "opened",
            ["pr_number"] = "7",
            ["pr_base_ref"] = "main",
            ["pr_head_ref"] = "patch",
            ["pr_head_repo"] = repo.FullName,
        };
        Assert.Equal(expected, expected.Keys.ToDictionary(k => k, k => Annotation(workflow, k)));
        Assert.Equal("platform", workflow["metadata"]!["annotations"]!["team"]!.GetValue<string>());
        var labels = workflow["metadata"]!["labels"]!.AsObject();
        Assert.Equal(
            (delivery, "refs.pull.7.head", "7", "main", "patch"),
            (Label(labels, "delivery"), Label(labels, "ref"), Label(labels, "pr_number"), Label(labels, "pr_base_ref"), Label(labels, "pr_head_ref")));
        Assert.False(IsStopped(workflow));
    }

    [Fact]
    public async Task BurstOfFiveSynchronizes_LeavesOnlyTheNewestRunning_AndClosedStopsItAndAppliesTheManifestOnce()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var opened = await PushToPullRequestAsync(repo, repo, "n.txt", "opened");
        var pr = new PullRequestSpec(Number, "main", head, repo.FullName, "patch", opened);
        Assert.Equal("applied", await StateAsync(repo, await SendAsync("pull_request", fixture.PullRequestPayload(repo, "opened", pr))));
        var (shas, deliveries) = await SynchronizeBurstAsync(repo, pr, 5);

        var states = new List<string>();
        foreach (var delivery in deliveries)
        {
            states.Add(await StateAsync(repo, delivery));
        }

        var workflows = PullRequestWorkflows(repo);
        Assert.Equal(shas[^1], Revision(Assert.Single(workflows, w => !IsStopped(w))));
        Assert.Equal("applied", states[^1]);
        Assert.Equal(opened, Revision(Assert.Single(workflows, w => Annotation(w, "event_action") == "opened")));
        for (var i = 0; i < shas.Count - 1; i++)
        {
            // Each older push either ran and was stopped, or was superseded while it waited and never made anything.
            Assert.Contains(states[i], RanOrSuperseded);
            Assert.Equal(states[i] == "applied" ? 1 : 0, workflows.Count(w => Revision(w) == shas[i] && IsStopped(w)));
        }

        var closed = await SendAsync("pull_request", fixture.PullRequestPayload(repo, "closed", pr with { HeadSha = shas[^1] }));
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, closed);

        Assert.Equal("applied", outcome["state"]!.GetValue<string>());
        Assert.Single(outcome["stopped"]!.AsArray());
        var after = PullRequestWorkflows(repo);
        var closing = Assert.Single(after, w => Annotation(w, "event_action") == "closed");
        Assert.Equal((PullRef, shas[^1], false), (Annotation(closing, "ref"), Revision(closing), IsStopped(closing)));
        Assert.Equal(workflows.Count + 1, after.Count);
        Assert.All(after.Where(w => w != closing), w => Assert.True(IsStopped(w), $"{Revision(w)} still runs"));
    }

    /// <summary>
    /// Pushes <paramref name="count"/> commits to the pull request, each published and its <c>synchronize</c> sent at once;
    /// the first one's create is held by the API server until all are acknowledged, so the rest wait together.
    /// </summary>
    private async Task<(List<string> Shas, List<string> Deliveries)> SynchronizeBurstAsync(GitRepository repo, PullRequestSpec pr, int count)
    {
        var release = new TaskCompletionSource();
        var (shas, deliveries) = (new List<string>(), new List<string>());
        var before = pr.HeadSha;
        for (var i = 0; i < count; i++)
        {
            var sha = await PushToPullRequestAsync(repo, repo, "n.txt", $"push {i}");
            if (i == 0)
            {
                fixture.Emulator.Faults.HoldNext(1, release.Task, r => IsCreateOf(r, sha));
            }

            deliveries.Add(await SendAsync("pull_request", fixture.PullRequestPayload(repo, "synchronize", pr with { HeadSha = sha }, before)));
            shas.Add(sha);
            before = sha;
            if (i == 0)
            {
                await fixture.Emulator.Requests.WaitForAsync(r => IsCreateOf(r, sha), SafetyNet);
            }
        }

        release.SetResult();
        return (shas, deliveries);
    }

    [Fact]
    public async Task ForkByAContributor_WaitsForAMembersOkToTest_RunsTheBaseBranchsManifest_AndEachNewPushWaitsAgain()
    {
        var (repo, _) = await fixture.NewRepositoryAsync();
        var fork = await fixture.Git.CreateForkAsync(repo, "contributor/fork-" + Guid.NewGuid().ToString("N")[..10]);
        var baseHead = await repo.CommitFileAsync("main", ".ci/workflow.yaml", Manifest("alpine:base-branch"));
        var first = await PushToPullRequestAsync(repo, fork, ".ci/workflow.yaml", Manifest("alpine:from-the-fork"));
        var pr = new PullRequestSpec(Number, "main", baseHead, fork.FullName, "patch", first, "contributor", "CONTRIBUTOR");

        var opened = await SendAsync("pull_request", fixture.PullRequestPayload(repo, "opened", pr), "awaiting-approval");
        Assert.Equal("awaiting-approval", await StateAsync(repo, opened));
        var byNone = await SendAsync("issue_comment", fixture.CommentPayload(repo, Number, "/ok-to-test", "passer-by", "NONE"), expected: null);
        Assert.Equal("ignored", await StateAsync(repo, byNone));
        await BarrierAsync(repo);
        Assert.Empty(PullRequestWorkflows(repo));

        Assert.Equal("applied", await ApproveAsync(repo, first, opened));

        var approved = Assert.Single(PullRequestWorkflows(repo));
        Assert.Equal((first, fork.FullName, "alpine:base-branch"), (Revision(approved), Annotation(approved, "pr_head_repo"), Image(approved)));
        Assert.Equal(PullRef, Annotation(approved, "ref"));

        var second = await PushToPullRequestAsync(repo, fork, ".ci/workflow.yaml", Manifest("alpine:from-the-fork-again"));
        var pushed = await SendAsync("pull_request", fixture.PullRequestPayload(repo, "synchronize", pr with { HeadSha = second }, first), "awaiting-approval");
        Assert.Equal("awaiting-approval", await StateAsync(repo, pushed));
        await BarrierAsync(repo);
        Assert.DoesNotContain(PullRequestWorkflows(repo), w => Revision(w) == second);

        Assert.Equal("applied", await ApproveAsync(repo, second, pushed));

        // The approved newer push supersedes the older run; both read the base branch's manifest.
        var workflows = PullRequestWorkflows(repo).OrderBy(w => Revision(w) == first ? 0 : 1).Select(w => (Revision(w), IsStopped(w), Image(w)));
        Assert.Equal(new (string?, bool, string)[] { (first, true, "alpine:base-branch"), (second, false, "alpine:base-branch") }, workflows);
    }

    [Fact]
    public async Task MergeGroup_RunsAtItsHeadSha_AndIsStoppedWhenTheGroupIsDestroyed()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var branch = $"gh-readonly-queue/main/pr-{Number}-{head}";
        var sha = await repo.CommitAsync(branch, new Dictionary<string, string?> { ["queued.txt"] = "merged" }, $"Merge pull request #{Number}", startPoint: head);

        var requested = await SendAsync("merge_group", fixture.MergeGroupPayload(repo, "checks_requested", sha, "refs/heads/" + branch, head));

        Assert.Equal("applied", await StateAsync(repo, requested));
        var workflow = Assert.Single(fixture.WorkflowsOf(repo));
        Assert.Equal(
            ("refs/heads/" + branch, sha, "merge_group", "checks_requested", false),
            (Annotation(workflow, "ref"), Revision(workflow), Annotation(workflow, "event_type"), Annotation(workflow, "event_action"), IsStopped(workflow)));

        await repo.DeleteBranchAsync(branch);
        var destroyed = await SendAsync("merge_group", fixture.MergeGroupPayload(repo, "destroyed", sha, "refs/heads/" + branch, head));
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, destroyed);

        Assert.Single(outcome["stopped"]!.AsArray());
        Assert.True(IsStopped(Assert.Single(fixture.WorkflowsOf(repo))));
    }
}
