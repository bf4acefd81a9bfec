using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.GitHubApiEmulator.State;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests.Recovery;

/// <summary>A test repository as GitHub knows it, with the hook that sends its deliveries to the handler, and main's first commit.</summary>
public sealed record HookedRepository(GitRepository Git, RepositoryRecord GitHub, long HookId, string Head)
{
    public string FullName => Git.FullName;
}

/// <summary>
/// Real processes for delivery recovery: the handler, git, the Kubernetes API emulator, and the GitHub API emulator,
/// whose hooks send the deliveries and keep GitHub's record of them, as <paramref name="wiring"/> connects them.
/// </summary>
public sealed class RecoveryFixture(HookWiring wiring) : HandlerFixture
{
    /// <summary>The restart, the reconciler's run and a dozen deliveries on a busy two-core machine: a safety net, not a speed.</summary>
    public static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, string> _settings = [];

    public GitHubApiEmulatorServer GitHub { get; private set; } = null!;

    public RecoveryApi Recovery { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => _settings;

    public override async Task InitializeAsync()
    {
        GitHub = await GitHubApiEmulatorServer.StartAsync();
        _settings["Handler__GitHub__ApiUrl"] = GitHub.BaseUri.ToString();
        foreach (var (key, value) in wiring.Register(GitHub))
        {
            _settings[key] = value;
        }

        await base.InitializeAsync();
        Recovery = new RecoveryApi(Client.Management);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await GitHub.DisposeAsync();
        wiring.Dispose();
    }

    /// <summary>A new repository with the manifest on main, known to GitHub, whose hook sends its deliveries to the handler.</summary>
    public async Task<HookedRepository> NewHookedRepositoryAsync()
    {
        var (repository, head) = await NewRepositoryAsync();
        var parts = repository.FullName.Split('/');
        var record = GitHub.Catalog.AddRepository(parts[0], parts[1]);
        return new HookedRepository(repository, record, wiring.Connect(GitHub, record, new Uri(Handler.BaseUri, "webhook"), Secret), head);
    }

    /// <summary>GitHub delivers a push through the repository's hook under a new GUID; returns its record of the attempt.</summary>
    public Task<HookAttempt> DeliverPushAsync(HookedRepository repository, string gitRef, string before, string after)
    {
        var payload = PushPayload(repository.Git, gitRef, before, after, created: before == GitHubPayloads.Zero);
        payload["repository"]!["id"] = repository.GitHub.Id;
        wiring.Stamp(payload, repository.GitHub);
        return GitHub.Hooks.DeliverAsync(repository.HookId, "push", payload.ToJsonString(), Guid.NewGuid().ToString());
    }

    /// <summary>
    /// While the handler runs, a new commit on main is delivered through the hook, accepted and applied: the delivery
    /// that teaches the handler the hook. Returns GitHub's record of it and the commit.
    /// </summary>
    public async Task<(HookAttempt Delivered, string Main)> DeliverAcceptedPushAsync(HookedRepository repository)
    {
        var main = await repository.Git.CommitFileAsync("main", "counter.txt", "0");
        var delivered = await DeliverPushAsync(repository, "refs/heads/main", repository.Head, main);
        Assert.True(delivered.StatusCode == 202, $"the running handler answered the hook's delivery {delivered.StatusCode} ({delivered.Status})\n{Handler.Log}");
        var outcome = await Client.OutcomeAsync(repository.FullName, delivered.Guid);
        Assert.True(outcome["state"]!.GetValue<string>() == "applied", outcome.ToJsonString());
        return (delivered, main);
    }

    /// <summary>
    /// Waits until GitHub was asked to redeliver every one of <paramref name="failed"/> and the handler accepted each
    /// redelivery, then until the handler has an outcome for each; returns the outcomes by GUID.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> RedeliveredOutcomesAsync(IReadOnlyCollection<HookAttempt> failed)
    {
        var guids = failed.Select(f => f.Guid).ToHashSet();
        await GitHub.Hooks.WaitForRedeliveriesAsync(asked => guids.IsSubsetOf(asked.Select(r => r.Guid)), SafetyNet);
        await AcceptedAsync(failed);
        var outcomes = new Dictionary<string, JsonObject>();
        foreach (var attempt in failed)
        {
            outcomes[attempt.Guid] = await Client.OutcomeAsync(RepositoryOf(attempt), attempt.Guid);
        }

        return outcomes;
    }

    /// <summary>Waits until each of <paramref name="attempts"/> was redelivered and the handler answered 2xx: stored.</summary>
    public async Task AcceptedAsync(IEnumerable<HookAttempt> attempts)
    {
        foreach (var attempt in attempts)
        {
            try
            {
                await GitHub.Hooks.WaitForAttemptAsync(attempt.HookId, a => a.Guid == attempt.Guid && a.Redelivery && a.Succeeded, SafetyNet);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{attempt.Guid} was not redelivered to the handler within {SafetyNet}: {e.Message}\nThe handler's log:\n{Handler.Log}", e);
            }
        }
    }

    /// <summary>Every delivery id the handler recorded for <paramref name="repository"/>, newest first (one page of up to 200).</summary>
    public async Task<IReadOnlyList<string>> RecordedDeliveriesAsync(HookedRepository repository)
    {
        var page = JsonNode.Parse(await Client.Management.GetStringAsync($"/api/repositories/{repository.FullName}/deliveries?limit=200"))!;
        Assert.Null(page["next"]);
        return page["items"]!.AsArray().Select(i => i!["delivery"]!.GetValue<string>()).ToArray();
    }

    /// <summary>The (repository, ref, revision) of every Workflow of <paramref name="repositories"/> that is not stopped.</summary>
    public IReadOnlyList<(string Repository, string Ref, string Revision)> RunningWorkflows(IEnumerable<HookedRepository> repositories) =>
        repositories
            .SelectMany(r => WorkflowsOf(r.Git).Where(w => w["spec"]?["shutdown"]?.GetValue<string>() != "Stop").Select(w => (r.FullName, w)))
            .Select(p => (p.FullName, Annotation(p.w, "ref"), Annotation(p.w, "revision")))
            .Order()
            .ToArray();

    private static string Annotation(JsonObject workflow, string name) =>
        workflow["metadata"]!["annotations"]![$"k8s-webhook-handler.io/{name}"]!.GetValue<string>();

    private static string RepositoryOf(HookAttempt attempt) =>
        JsonNode.Parse(attempt.Payload)!["repository"]!["full_name"]!.GetValue<string>();
}
