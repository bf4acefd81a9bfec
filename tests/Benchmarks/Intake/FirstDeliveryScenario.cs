using System.Diagnostics;
using System.Globalization;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// The first delivery after <c>/readyz</c> says ready: the handler is started afresh (new process, new data
/// directory), <c>/readyz</c> is polled until it answers 200, and one signed push is sent at once and timed until its
/// 202. Once that delivery is processed, a second push is timed the same way as the warm figure to compare with.
/// </summary>
public static class FirstDeliveryScenario
{
    public const string Heading = "## First delivery after /readyz is ready";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromMinutes(2);

    private sealed record Start(double Ready, double First, double Warm);

    /// <summary>Runs <paramref name="starts"/> process starts and returns the section for docs/benchmarks.md.</summary>
    public static async Task<string> RunAsync(BenchmarkSetup setup, GitServer git, int starts)
    {
        var repository = await git.CreateRepositoryAsync("bench/first-delivery");
        var before = await repository.CommitAsync("main", new Dictionary<string, string?>
        {
            [".ci/workflow.yaml"] = File.ReadAllText(Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml")),
        }, "manifest");
        var runs = new List<Start>();
        for (var i = 0; i < starts; i++)
        {
            var first = await repository.CommitFileAsync("main", "start.txt", $"{i} first");
            var second = await repository.CommitFileAsync("main", "start.txt", $"{i} second");
            runs.Add(await MeasureAsync(setup.Secret, setup.Kubeconfig, git, repository, (before, first, second)));
            before = second;
            Console.WriteLine($"start {i + 1}: ready after {runs[^1].Ready:F0} ms, first delivery {runs[^1].First:F1} ms, warm {runs[^1].Warm:F1} ms");
        }

        return Section(runs);
    }

    private static async Task<Start> MeasureAsync(string secret, string kubeconfig, GitServer git, GitRepository repository,
        (string Before, string First, string Second) commits)
    {
        var started = Stopwatch.StartNew();
        await using var handler = await HandlerProcess.StartAsync(new Dictionary<string, string>
        {
            ["WEBHOOK_SECRET"] = secret,
            ["KUBECONFIG"] = kubeconfig,
            ["Handler__CloneUrl"] = "GitUrl",
            ["Handler__Git__AllowedRemotes__0"] = git.GitRoot.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        using var client = new WebhookClient(handler, secret);
        await WaitUntilReadyAsync(client.Http);
        var ready = started.Elapsed.TotalMilliseconds;

        var push = (string from, string to) => GitHubPayloads.Push(repository.FullName, git.GitUrl(repository.FullName), git.HttpUrl(repository.FullName), "refs/heads/main", from, to);
        var firstDelivery = Guid.NewGuid().ToString();
        var first = await TimedAsync(client, firstDelivery, push(commits.Before, commits.First));
        await client.OutcomeAsync(repository.FullName, firstDelivery);
        var warm = await TimedAsync(client, Guid.NewGuid().ToString(), push(commits.First, commits.Second));
        return new Start(ready, first, warm);
    }

    private static async Task WaitUntilReadyAsync(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync("/readyz");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (deadline.Elapsed > ReadyDeadline)
            {
                throw new TimeoutException($"/readyz still answered {(int)response.StatusCode} after {ReadyDeadline}: {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    private static async Task<double> TimedAsync(WebhookClient client, string delivery, System.Text.Json.Nodes.JsonObject payload)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString());
        var clock = Stopwatch.StartNew();
        var (status, answer) = await client.SendAsync("push", delivery, body);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return status == 202 ? elapsed : throw new InvalidOperationException($"delivery {delivery} answered {status}: {answer.ToJsonString()}");
    }

    private static string Section(IReadOnlyList<Start> runs)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var lines = runs.Select((r, i) => $"| {i + 1} | {r.Ready:F0} ms | **{r.First:F1} ms** | {r.Warm:F1} ms |");
        return $"""
            {Heading}

            Each start is a new handler process (local all-in-one mode, a new data directory) on loopback, with the git
            server and the API emulator of this run. The program polls `/readyz` every {PollInterval.TotalMilliseconds:F0} ms
            until it answers 200, then at once sends one signed push (GitHub's push fixture, a repository the process has
            not seen) and times it until the 202, which comes after the delivery is stored (fsync). Once that delivery is
            processed, a second push to the same repository is timed the same way: the warm figure to compare with.
            "ready after" counts from the process start.

            | start | ready after | first delivery after ready (202) | warm delivery (202) |
            |---|---|---|---|
            {string.Join("\n", lines)}
            | **median** | {Median(runs.Select(r => r.Ready)):F0} ms | **{Median(runs.Select(r => r.First)):F1} ms** | {Median(runs.Select(r => r.Warm)):F1} ms |

            Target on 2 cores (issue 11): the first delivery after ready at most 100 ms.
            """;
    }

    /// <summary>The number of process starts, from <c>--starts N</c> (default 5).</summary>
    public static int Starts(string[] args) =>
        int.Parse(args.SkipWhile(a => a != "--starts").Skip(1).FirstOrDefault() ?? "5", CultureInfo.InvariantCulture);
}
