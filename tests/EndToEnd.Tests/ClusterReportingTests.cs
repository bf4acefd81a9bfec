using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary><see cref="GitHubFeedbackFixture"/> in cluster mode: Redis, silos the test starts and kills, and the Api.</summary>
public sealed class ClusterGitHubFeedbackFixture : GitHubFeedbackFixture
{
    private readonly ClusterNodes _nodes = new();

    public IReadOnlyList<HandlerProcess> Silos => _nodes.Silos;

    /// <summary>A request GitHub holds stays in flight until its silo is killed, however slowly the silos restart.</summary>
    protected override IReadOnlyDictionary<string, string> ExtraSettings =>
        new Dictionary<string, string>(base.ExtraSettings) { ["Handler__GitHub__RequestTimeout"] = "00:05:00" };

    public Task<HandlerProcess> StartSiloAsync() => _nodes.StartSiloAsync();

    protected override Task<HandlerProcess> StartHandlerAsync(IReadOnlyDictionary<string, string> settings) => _nodes.StartAsync(settings);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _nodes.DisposeAsync();
    }
}

/// <summary>
/// Cluster mode, each part its own process: the silos holding the Workflow watch and the repository die by SIGKILL,
/// one while nobody watches a phase change, then each in turn while a report is on its way to GitHub; every transition
/// still reaches GitHub exactly once, in order. Which silo holds what is not known: each of them is killed.
/// </summary>
public sealed class ClusterReportingTests : IAsyncLifetime
{
    private const string Context = "k8s-webhook-handler/build";

    /// <summary>How the emulator records a request whose client went away before the answer: the reporting silo died.</summary>
    private const int ClientClosedRequest = 499;

    /// <summary>Membership retiring a killed silo, the watch's and the repository's reminders (once a minute each).</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(5);

    private readonly ClusterGitHubFeedbackFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private static bool IsStatus(RecordedRequest r) => r.Method == "POST" && r.Path.Contains("/statuses/", StringComparison.Ordinal);

    [Fact]
    public async Task SilosKilledAndRestarted_TheReportingOneWithAStatusInFlight_PendingThenSuccessOnceEach()
    {
        var (repository, delivery, sha, workflow) = await PushOnTwoSilosAsync();
        var (first, second) = (_fixture.Silos[0], _fixture.Silos[1]);

        // The first silo, where the watch started while it was alone, dies; Argo's Running comes while nobody watches.
        await first.KillAsync();
        await _fixture.PhaseAsync(workflow, "Running");
        var running = _fixture.Emulator.Requests.Snapshot().Count;
        await first.RestartAsync();
        await WatchResumedAsync(running);

        // Succeeded is on its way to GitHub, held there, while each silo in turn is killed and started again: the one
        // reporting it dies with the request in flight. (Both dead at once, a starting silo would wait for the other.)
        var sent = _fixture.GitHub.Requests.Snapshot().Count;
        var release = new TaskCompletionSource();
        _fixture.GitHub.Faults.HoldNext(1, release.Task, IsStatus);
        await _fixture.PhaseAsync(workflow, "Succeeded");
        await _fixture.GitHub.Requests.WaitUntilAsync(all => all.Skip(sent).Any(IsStatus), SafetyNet);
        await second.RestartAsync();
        await first.RestartAsync();
        release.SetResult();
        var held = _fixture.GitHub.Requests.Snapshot().Skip(sent).First(IsStatus);
        await held.Completed;

        await AssertPendingThenSuccessOnceAsync(repository, delivery, sha, workflow);
        Assert.Equal(ClientClosedRequest, held.StatusCode);
    }

    [Fact]
    public async Task SilosKilledAndLeftDead_TheWatchMovesByMembershipAndItsReminder_PendingThenSuccessOnceEach()
    {
        var (repository, delivery, sha, workflow) = await PushOnTwoSilosAsync();
        var (first, second) = (_fixture.Silos[0], _fixture.Silos[1]);

        // The first silo, where the watch started while it was alone, dies and stays dead: once membership declares it
        // dead, the watch's reminder starts it on the second, whose first list sees the Running it missed.
        await first.KillAsync();
        await _fixture.PhaseAsync(workflow, "Running");
        await WatchResumedAsync(_fixture.Emulator.Requests.Snapshot().Count);

        // The first comes back; the second, which now watches, dies and stays dead before Argo's Succeeded.
        await first.RestartAsync();
        await second.KillAsync();
        await _fixture.PhaseAsync(workflow, "Succeeded");

        await AssertPendingThenSuccessOnceAsync(repository, delivery, sha, workflow);
        Assert.True(first.IsRunning, "the surviving silo exited:\n" + first.Log);
    }

    /// <summary>A second silo, then a push whose Workflow gets its pending status: the repository may live on either silo.</summary>
    private async Task<(GitRepository Repository, string Delivery, string Sha, JsonObject Workflow)> PushOnTwoSilosAsync()
    {
        var (repository, head) = await _fixture.NewGitHubRepositoryAsync();
        await _fixture.StartSiloAsync();
        var (delivery, payload) = await _fixture.PushNewBranchAsync(repository, head, "feature");
        await _fixture.Client.OutcomeAsync(repository.FullName, delivery);
        var sha = payload["after"]!.GetValue<string>();
        await _fixture.StatusesAsync(repository, sha, Context, 1);
        return (repository, delivery, sha, Assert.Single(_fixture.WorkflowsOf(repository)));
    }

    /// <summary>Once the handler has nothing left to send, the commit shows pending then success with the link, once each.</summary>
    private async Task AssertPendingThenSuccessOnceAsync(GitRepository repository, string delivery, string sha, JsonObject workflow)
    {
        await _fixture.StatusesAsync(repository, sha, Context, 2, SafetyNet);
        await AllReportsSentAsync(repository, delivery);

        // Read again once nothing is left to send: a duplicate would be there by now.
        var statuses = await _fixture.StatusesAsync(repository, sha, Context, 2);

        var link = $"https://argo.example/workflows/ci/{workflow["metadata"]!["name"]!.GetValue<string>()}";
        Assert.Equal([("pending", "running", link), ("success", "succeeded", link)], statuses.Select(s => (s.State, s.Description, s.TargetUrl)));
        Assert.Empty(_fixture.GitHub.Requests.Violations());
    }

    /// <summary>A watch on Workflows opened after position <paramref name="since"/>: a new watch has listed them, and passed each on.</summary>
    private Task WatchResumedAsync(int since) =>
        _fixture.Emulator.Requests.WaitUntilAsync(
            all => all.Skip(since).Any(r => r.Method == "GET" && r.Path.EndsWith("/workflows", StringComparison.Ordinal) && r.QueryValue("watch") == "true"),
            SafetyNet);

    /// <summary>
    /// Waits until the handler shows every report of the delivery accepted by GitHub, so that nothing is left to be
    /// sent again; asks every 200 ms, as the inspection endpoint is polled. Until membership has declared a killed silo
    /// dead, asking for a repository that lived there fails: that answer counts as "not yet".
    /// </summary>
    private async Task AllReportsSentAsync(GitRepository repository, string delivery)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = "";
        do
        {
            try
            {
                var record = await _fixture.Client.RecordAsync(repository.FullName, delivery);
                if (record?["reports"] is JsonArray { Count: > 0 } reports && reports.All(r => r!["sentAt"] is not null && r["error"] is null))
                {
                    return;
                }

                last = record?.ToJsonString() ?? "no record";
            }
            catch (OutcomeNotReachedException unanswered)
            {
                last = unanswered.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        while (waited.Elapsed < SafetyNet);

        Assert.Fail($"the delivery's reports were not all accepted within {SafetyNet}; last answer: {last}");
    }
}
