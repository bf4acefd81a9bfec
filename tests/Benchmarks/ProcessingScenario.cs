using System.Diagnostics;
using System.Globalization;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>Processing, not intake: event to Workflow object with a warm mirror, and a burst of pushes to one branch.</summary>
public static class ProcessingScenario
{
    /// <summary>The rows of the processing table.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(BenchmarkSetup setup, GitServer git, KubeApiEmulatorServer emulator)
    {
        await using var handler = await HandlerProcess.StartAsync(new Dictionary<string, string>
        {
            ["WEBHOOK_SECRET"] = setup.Secret,
            ["KUBECONFIG"] = setup.Kubeconfig,
            ["Handler__CloneUrl"] = "GitUrl",
            ["Handler__Git__AllowedRemotes__0"] = git.GitRoot.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        using var client = new WebhookClient(handler, setup.Secret);
        return [await EventToObjectAsync(setup, git, emulator, client), await BurstAsync(git, emulator, client)];
    }

    /// <summary>A push to a repository whose mirror is warm, until the Workflow reaches the API server.</summary>
    private static async Task<string> EventToObjectAsync(BenchmarkSetup setup, GitServer git, KubeApiEmulatorServer emulator, WebhookClient client)
    {
        var repository = await git.CreateRepositoryAsync("bench/latency");
        var before = await repository.CommitAsync("main", new Dictionary<string, string?>
        {
            [".ci/workflow.yaml"] = File.ReadAllText(Path.Combine(RepositoryPaths.ArgoWorkflows, "dag-diamond.yaml")),
        }, "manifest");
        var samples = new List<double>();
        var pushes = setup.Quick ? 10 : 50;
        for (var i = 0; i <= pushes; i++)
        {
            var after = await repository.CommitFileAsync("main", "counter.txt", i.ToString(CultureInfo.InvariantCulture));
            var delivery = Guid.NewGuid().ToString();
            var payload = GitHubPayloads.Push(repository.FullName, git.GitUrl(repository.FullName), git.HttpUrl(repository.FullName), "refs/heads/main", before, after);
            var clock = Stopwatch.StartNew();
            await client.SendAsync("push", delivery, payload);
            await emulator.Requests.WaitForAsync(r => r.Method == "POST" && r.Body.Contains(delivery, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            if (i > 0)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }

            before = after;
        }

        var stats = LatencyStats.Of(samples, TimeSpan.Zero);
        return $"| event to Workflow object, warm mirror, new commit each push (fetch included) | {samples.Count} pushes | sequential | **p50 {stats.P50:F1} ms, p99 {stats.P99:F1} ms** | {MachineLoad.OneMinute()} |";
    }

    /// <summary>A burst of 30 pushes to one branch, sent as fast as the answers come: how many workflows are made at all.</summary>
    private static async Task<string> BurstAsync(GitServer git, KubeApiEmulatorServer emulator, WebhookClient client)
    {
        var burst = await git.CreateRepositoryAsync("bench/burst");
        var before = await burst.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = File.ReadAllText(Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml")) }, "manifest");
        var commits = new List<(string Before, string After)>();
        for (var i = 0; i < 30; i++)
        {
            var after = await burst.CommitFileAsync("main", "burst.txt", i.ToString(CultureInfo.InvariantCulture));
            commits.Add((before, after));
            before = after;
        }

        var deliveries = new List<string>();
        foreach (var (from, to) in commits)
        {
            var delivery = Guid.NewGuid().ToString();
            await client.SendAsync("push", delivery, GitHubPayloads.Push(burst.FullName, git.GitUrl(burst.FullName), git.HttpUrl(burst.FullName), "refs/heads/main", from, to));
            deliveries.Add(delivery);
        }

        foreach (var delivery in deliveries)
        {
            await client.OutcomeAsync(burst.FullName, delivery);
        }

        var made = emulator.FindAll("argoproj.io", "workflows", "ci").Where(w => w["metadata"]!["annotations"]!["k8s-webhook-handler.io/repo_name"]!.GetValue<string>() == burst.FullName).ToList();
        var running = made.Count(w => w["spec"]?["shutdown"] is null);
        var newest = made.Any(w => w["spec"]?["shutdown"] is null && w["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>() == commits[^1].After);
        return $"| burst of 30 pushes to one branch, no pause (superseding) | 30 pushes | {made.Count} workflows created, {running} left running | newest running: {newest} | {MachineLoad.OneMinute()} |";
    }
}
