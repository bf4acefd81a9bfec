using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests.Recovery;

/// <summary>
/// Cluster mode, each part its own process: the reconciler learns a repository's webhook, GitHub cannot reach the
/// handler for a while, and then each silo in turn dies by SIGKILL. Wherever the reconciler was, the run that follows
/// finds the hook and its checkpoint in Redis, and every failed delivery is asked for once, and built.
/// </summary>
public sealed class ClusterDeliveryRecoveryTests : IAsyncLifetime
{
    /// <summary>Membership retiring a killed silo, and the reconciler starting again elsewhere.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(5);

    private readonly ClusterGitHubFeedbackFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task TheReconciler_OutlivesTheLossOfEitherSilo_AndAsksForEachFailedDeliveryOnce()
    {
        await _fixture.StartSiloAsync();
        var (repository, head) = await _fixture.NewGitHubRepositoryAsync();
        var webhook = new Uri(_fixture.Handler.BaseUri, "webhook");
        var hook = _fixture.GitHub.Hooks.AddRepositoryHook(repository.FullName, webhook, HandlerFixture.Secret);
        var first = await repository.CommitFileAsync("main", "a.txt", "1");
        var learned = await DeliverAsync(hook, repository, "refs/heads/main", head, first);
        Assert.True(learned.Succeeded, $"the first delivery was answered {learned.StatusCode}");
        await _fixture.Client.OutcomeAsync(repository.FullName, learned.Guid);
        await new RecoveryApi(_fixture.Client.Management).WaitForHooksAsync([("repository", hook, repository.FullName.ToLowerInvariant())]);

        // GitHub cannot reach the handler: every delivery fails.
        _fixture.GitHub.Hooks.UpdateHook(hook, new Uri($"http://127.0.0.1:{Loopback.FreePort()}/webhook"));
        var second = await repository.CommitFileAsync("main", "a.txt", "2");
        var failed = new[]
        {
            await DeliverAsync(hook, repository, "refs/heads/main", first, second),
            await DeliverAsync(hook, repository, "refs/tags/v1", GitHubPayloads.Zero, second, created: true),
        };
        Assert.All(failed, f => Assert.Equal(0, f.StatusCode));
        _fixture.GitHub.Hooks.UpdateHook(hook, webhook);

        foreach (var silo in _fixture.Silos.ToArray())
        {
            await silo.KillAsync();
            await _fixture.StartSiloAsync();
            await UntilAsync(RunAnsweredAsync, "a reconciler run answered after the kill");
        }

        foreach (var delivery in failed)
        {
            Assert.Equal("applied", (await _fixture.Client.OutcomeAsync(repository.FullName, delivery.Guid))["state"]!.GetValue<string>());
        }

        var asked = _fixture.GitHub.Hooks.Redeliveries.GroupBy(r => r.Guid).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(failed.ToDictionary(f => f.Guid, _ => 1), asked);
    }

    private Task<GitHubApiEmulator.State.HookAttempt> DeliverAsync(long hook, GitRepository repository, string gitRef, string before, string after, bool created = false) =>
        _fixture.GitHub.Hooks.DeliverAsync(hook, "push", _fixture.PushPayload(repository, gitRef, before, after, created).ToJsonString());

    /// <summary>Asks for a run; true once the cluster answered with one (a silo just killed may still hold the call).</summary>
    private async Task<bool> RunAnsweredAsync()
    {
        using var answer = await _fixture.Client.Management.PostAsync("/api/recovery/runs", null);
        return answer.IsSuccessStatusCode;
    }

    private static async Task UntilAsync(Func<Task<bool>> holds, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await Attempt(holds))
        {
            Assert.True(waited.Elapsed < SafetyNet, $"not {what} within {SafetyNet}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static async Task<bool> Attempt(Func<Task<bool>> holds)
    {
        try
        {
            return await holds();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
