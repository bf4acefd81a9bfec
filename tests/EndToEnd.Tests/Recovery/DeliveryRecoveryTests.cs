using System.Globalization;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;
using K8sWebhookHandler.GitHubApiEmulator.State;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests.Recovery;

/// <summary>
/// Real processes: deliveries GitHub could not make while the handler was down are asked for again by the handler's
/// reconciler once it is back, each exactly once, and superseding decides what they build; a kill in the middle of a
/// run misses nothing and asks again only for what was in flight. Run once per kind of hook (<see cref="HookWiring"/>).
/// </summary>
public abstract class DeliveryRecoveryTests(HookWiring wiring) : IAsyncLifetime
{
    private static readonly string[] Final = ["applied", "superseded", "stale"];
    private readonly RecoveryFixture _fixture = new(wiring);

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task PushesFailedWhileTheHandlerWasDown_AreRedeliveredOnceEach_AndLeaveTheNewestOfEachBranchAndEveryTagRunning()
    {
        HookedRepository[] repositories = [await _fixture.NewHookedRepositoryAsync(), await _fixture.NewHookedRepositoryAsync()];
        var accepted = new List<(HookAttempt Delivered, string Main)>();
        foreach (var repository in repositories)
        {
            accepted.Add(await _fixture.DeliverAcceptedPushAsync(repository));
        }

        await _fixture.Recovery.WaitForHooksAsync(ListedHooks(repositories));
        await _fixture.Handler.StopAsync();
        var outage = new List<OutagePushes>();
        foreach (var (repository, main) in repositories.Zip(accepted.Select(a => a.Main)))
        {
            outage.Add(await OutagePushes.DeliverAsync(_fixture, repository, main));
        }

        var failed = outage.SelectMany(o => o.Failed).ToArray();
        await _fixture.Handler.RestartAsync();
        var outcomes = await _fixture.RedeliveredOutcomesAsync(failed);
        var last = await _fixture.Recovery.RunAsync();

        var asked = _fixture.GitHub.Hooks.Redeliveries.Select(r => r.Guid).ToArray();
        Assert.All(accepted, a => Assert.DoesNotContain(a.Delivered.Guid, asked));
        Assert.Equal(failed.Select(f => f.Guid).Order(), asked.Order());
        Assert.True(last["requested"]!.GetValue<int>() == 0, $"a run after every outcome asked for more: {last.ToJsonString()}");
        Assert.All(outcomes.Values, o => Assert.Contains(o["state"]!.GetValue<string>(), Final));
        Assert.Equal(outage.SelectMany(o => o.Running).Order(), _fixture.RunningWorkflows(repositories));
        await AssertListedAsync(repositories, failed);
    }

    [Fact]
    public async Task KilledInTheMiddleOfARun_NothingIsMissed_AndOnlyTheRedeliveryInFlightIsAskedForAgain()
    {
        var repository = await _fixture.NewHookedRepositoryAsync();
        var (accepted, main) = await _fixture.DeliverAcceptedPushAsync(repository);
        await _fixture.Recovery.WaitForHooksAsync(ListedHooks([repository]));
        await _fixture.Handler.StopAsync();
        var failed = new List<HookAttempt>();
        for (var i = 0; i < 5; i++)
        {
            var sha = await repository.Git.CommitAsync($"branch-{i}", new Dictionary<string, string?> { ["branch.txt"] = $"{i}" }, $"branch {i}", startPoint: main);
            failed.Add(await _fixture.DeliverPushAsync(repository, $"refs/heads/branch-{i}", GitHubPayloads.Zero, sha));
        }

        var (first, held) = await RestartHoldingTheSecondRedeliveryAsync();
        // The first redelivery is stored before the kill: the held one is the only one in flight.
        await _fixture.AcceptedAsync([AttemptOf(repository, first) ?? throw new InvalidOperationException($"GitHub has no delivery {first.Path} names")]);
        await _fixture.Handler.KillAsync();
        held.SetResult();
        await _fixture.Handler.RestartAsync();
        var outcomes = await _fixture.RedeliveredOutcomesAsync(failed);
        await _fixture.Recovery.RunAsync();

        var asked = _fixture.GitHub.Requests.Snapshot().Where(IsRedeliveryRequest).GroupBy(r => GuidOf(repository, r)).ToDictionary(g => g.Key, g => g.Count());
        var inFlight = GuidOf(repository, _fixture.GitHub.Requests.Snapshot().Where(IsRedeliveryRequest).ElementAt(1));
        Assert.Equal(failed.Select(f => f.Guid).Order(), asked.Keys.Order());
        Assert.All(asked.Where(a => a.Key != inFlight), a => Assert.True(a.Value == 1, $"{a.Key}, not in flight at the kill, was asked for {a.Value} times"));
        Assert.InRange(asked[inFlight], 1, 2);
        Assert.All(outcomes, o => Assert.True(o.Value["state"]!.GetValue<string>() == "applied", o.Value.ToJsonString()));
        Assert.Equal(failed.Select(f => f.Guid).Append(accepted.Guid).Order(), (await _fixture.RecordedDeliveriesAsync(repository)).Order());
        Assert.All((await _fixture.Recovery.GetAsync())["runs"]!.AsArray(), r => Assert.True(
            r!["outcome"]!.GetValue<string>() != "running", $"a run the kill cut short is listed as still under way: {r.ToJsonString()}"));
    }

    /// <summary>
    /// Starts the handler again with GitHub holding the reconciler's second redelivery request; returns once GitHub has
    /// received it, with the first request, and what releases the held one.
    /// </summary>
    private async Task<(RecordedRequest First, TaskCompletionSource Held)> RestartHoldingTheSecondRedeliveryAsync()
    {
        var held = new TaskCompletionSource();
        var seen = 0;
        _fixture.GitHub.Faults.HoldNext(1, held.Task, r => IsRedeliveryRequest(r) && Interlocked.Increment(ref seen) == 2);
        await _fixture.Handler.RestartAsync();
        await _fixture.GitHub.Requests.WaitUntilAsync(all => all.Count(IsRedeliveryRequest) >= 2, RecoveryFixture.SafetyNet);
        return (_fixture.GitHub.Requests.Snapshot().First(IsRedeliveryRequest), held);
    }

    /// <summary><c>GET /api/recovery</c> lists the hooks, runs that all completed, and one that asked for every failed delivery.</summary>
    private async Task AssertListedAsync(IReadOnlyList<HookedRepository> repositories, IReadOnlyList<HookAttempt> failed)
    {
        var recovery = await _fixture.Recovery.GetAsync();
        Assert.Equal(ListedHooks(repositories), RecoveryApi.Hooks(recovery));
        Assert.All(recovery["runs"]!.AsArray(), r => Assert.True(r!["outcome"]!.GetValue<string>() == "completed", r.ToJsonString()));
        var run = Assert.Single(recovery["runs"]!.AsArray(), r => r!["requested"]!.GetValue<int>() > 0)!;
        Assert.Equal(failed.Count, run["requested"]!.GetValue<int>());
        Assert.Equal(failed.Select(f => f.Guid).Order(), run["deliveries"]!.AsArray().Select(d => d!.GetValue<string>()).Order());
    }

    private (string Kind, long HookId, string? Repository)[] ListedHooks(IEnumerable<HookedRepository> repositories) =>
        repositories.Select(r => wiring.Listed(r.HookId, r.GitHub)).Distinct().Order().ToArray();

    /// <summary>A redelivery request: <c>POST …/deliveries/{id}/attempts</c> of a repository's hook or the App's.</summary>
    private static bool IsRedeliveryRequest(RecordedRequest request) =>
        request.Method == "POST" && request.Path.EndsWith("/attempts", StringComparison.Ordinal);

    /// <summary>The attempt a redelivery request names, from GitHub's record of the hook's attempts; null for none of them.</summary>
    private HookAttempt? AttemptOf(HookedRepository repository, RecordedRequest request)
    {
        var id = long.Parse(request.Path.Split('/')[^2], CultureInfo.InvariantCulture);
        return _fixture.GitHub.Hooks.Attempts(repository.HookId).FirstOrDefault(a => a.Id == id);
    }

    /// <summary>The GUID of the delivery a redelivery request names.</summary>
    private string GuidOf(HookedRepository repository, RecordedRequest request) =>
        AttemptOf(repository, request)?.Guid ?? $"no delivery of hook {repository.HookId} at {request.Path}";
}

/// <summary>Delivery recovery for repository webhooks, read with a token.</summary>
public sealed class RepositoryHookRecoveryTests() : DeliveryRecoveryTests(new RepositoryHookWiring());

/// <summary>Delivery recovery for a GitHub App's hook, read with the App's JWT.</summary>
public sealed class AppHookRecoveryTests() : DeliveryRecoveryTests(new AppHookWiring());
