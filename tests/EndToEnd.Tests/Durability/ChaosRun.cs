using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using Xunit.Abstractions;

namespace K8sWebhookHandler.EndToEnd.Tests.Durability;

/// <summary>A process the chaos run may kill with SIGKILL and start again.</summary>
public sealed record Killable(string Name, Func<Task> KillAsync, Func<Task> RestartAsync);

/// <summary>One delivery of the run, signed and ready to send.</summary>
public sealed record PlannedDelivery(string Id, string Repository, byte[] Body, string Signature);

/// <summary>What a chaos run found: every number is counted, none assumed.</summary>
/// <param name="Writes">The creates and applies the API server received per delivery, and what it answered.</param>
public sealed record ChaosReport(int Sent, int Acknowledged, int Attempts, int Kills, int Applied, int Lost, int Workflows, TimeSpan Elapsed, WriteAudit Writes);

/// <summary>
/// Sends signed tag pushes (each due exactly one Workflow: tags are never superseded) over many repositories while
/// killing processes with SIGKILL at chosen points and restarting them. A delivery that got no 202 is sent again,
/// as a person redelivers from GitHub's page; at the end every acknowledged delivery must have exactly one outcome,
/// exactly one object and exactly one successful create, and any create repeated after a process died is reported.
/// </summary>
public sealed class ChaosRun(GitServer git, KubeApiEmulatorServer emulator, string secret, ITestOutputHelper output)
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    public async Task<IReadOnlyList<PlannedDelivery>> PrepareAsync(int events, int repositories, string prefix)
    {
        var deliveries = new List<PlannedDelivery>(events);
        for (var r = 0; r < repositories; r++)
        {
            var repo = await git.CreateRepositoryAsync($"{prefix}/repo-{r}");
            var head = await repo.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = HandlerFixture.Manifest }, "manifest");
            var indices = Enumerable.Range(0, events).Where(i => i % repositories == r).ToList();
            await repo.TagManyAsync(indices.Select(i => $"event-{i}"), head);
            foreach (var i in indices)
            {
                var payload = GitHubPayloads.Push(repo.FullName, git.GitUrl(repo.FullName), git.HttpUrl(repo.FullName), $"refs/tags/event-{i}", GitHubPayloads.Zero, head, created: true);
                var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
                deliveries.Add(new PlannedDelivery($"{prefix}-{i:D4}", repo.FullName, body, WebhookClient.Sign(secret, body)));
            }
        }

        return deliveries.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    /// <param name="senders">How many deliveries are in flight at once: one sends them one after another (every kill
    /// falls between writes); many keep the handler's group commit busy, so that kills fall in the middle of one.</param>
    public async Task<ChaosReport> RunAsync(HandlerProcess api, IReadOnlyList<PlannedDelivery> deliveries, IReadOnlyList<Killable> targets, int kills, int seed, int senders = 1)
    {
        var random = new Random(seed);
        var killPoints = Enumerable.Range(0, kills).Select(_ => random.Next(deliveries.Count / 10, deliveries.Count * 9 / 10)).Order().ToList();
        var reached = deliveries.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var acknowledged = new ConcurrentDictionary<string, string>();
        var killMarks = new List<KillMark>();
        var attempts = 0;
        var cursor = -1;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        using var management = WebhookClient.ManagementClient(api.ManagementUri, timeout: TimeSpan.FromSeconds(30));

        var sender = Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref cursor); i < deliveries.Count; i = Interlocked.Increment(ref cursor))
            {
                reached[i].TrySetResult();
                var delivery = deliveries[i];
                while (true)
                {
                    Interlocked.Increment(ref attempts);
                    var status = await TrySendAsync(http, delivery);
                    if (status is not null)
                    {
                        acknowledged[delivery.Id] = status;
                        break;
                    }

                    // No 202: the delivery is not stored as far as GitHub can tell; send it again, as a person would.
                    await Task.Delay(RetryPause);
                }
            }
        })));

        var chaos = Task.Run(async () =>
        {
            foreach (var point in killPoints)
            {
                await reached[point].Task;
                var target = targets[random.Next(targets.Count)];
                output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} at delivery {point}: SIGKILL {target.Name}");
                await target.KillAsync();
                // Taken once the process is gone: every request it sent is before the mark, every later one after it.
                var gone = emulator.Requests.Snapshot().Count;
                output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} {target.Name} is gone (request #{gone})");
                await target.RestartAsync();
                // Until it is back, a write that needs it fails after the requests it follows: from here it is whole.
                killMarks.Add(new KillMark(target.Name, gone, emulator.Requests.Snapshot().Count));
                output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} {target.Name} is back (request #{killMarks[^1].BackIndex})");
            }
        });

        await Task.WhenAll(sender, chaos);
        return await VerifyAsync(management, deliveries, acknowledged, attempts, killMarks, clock);
    }

    private async Task<ChaosReport> VerifyAsync(HttpClient http, IReadOnlyList<PlannedDelivery> deliveries, ConcurrentDictionary<string, string> acknowledged,
        int attempts, IReadOnlyList<KillMark> kills, System.Diagnostics.Stopwatch clock)
    {
        var applied = 0;
        var lost = new List<string>();
        foreach (var delivery in deliveries.Where(d => acknowledged.ContainsKey(d.Id)))
        {
            var state = await FinalStateAsync(http, delivery);
            if (state == "applied")
            {
                applied++;
            }
            else
            {
                using var snapshot = await http.GetAsync($"/api/repositories/{delivery.Repository}");
                var known = JsonNode.Parse(await snapshot.Content.ReadAsStringAsync())?["deliveries"]?.AsArray().Select(d => d!["delivery"]!.GetValue<string>()).Order().ToList() ?? [];
                lost.Add($"{delivery.Id}: {state ?? "no record"} (answered {acknowledged[delivery.Id]}; the repository knows {string.Join(", ", known.Select(k => k[^4..]))})");
            }
        }

        var workflows = emulator.FindAll("argoproj.io", "workflows", "ci")
            .Select(w => w["metadata"]!["labels"]!["k8s-webhook-handler.io/delivery"]!.GetValue<string>())
            .Where(id => deliveries.Any(d => d.Id == id))
            .ToList();
        var missing = deliveries.Count(d => acknowledged.ContainsKey(d.Id) && !workflows.Contains(d.Id));
        foreach (var problem in lost.Take(20))
        {
            output.WriteLine("not applied: " + problem);
        }

        var writes = WriteAudit.Of(emulator.Requests.Snapshot(), deliveries.Where(d => acknowledged.ContainsKey(d.Id)).Select(d => d.Id), kills);
        foreach (var repeat in writes.Repeats.Concat(writes.UnexplainedRepeats))
        {
            output.WriteLine("written again: " + repeat);
        }

        foreach (var recheck in writes.Rechecks.Concat(writes.UnexplainedRechecks))
        {
            output.WriteLine("processed again: " + recheck);
        }

        var report = new ChaosReport(deliveries.Count, acknowledged.Count, attempts, kills.Count, applied, lost.Count + missing, workflows.Count, clock.Elapsed, writes);
        output.WriteLine(report.ToString());
        return report;
    }

    private static async Task<string?> TrySendAsync(HttpClient http, PlannedDelivery delivery)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = new ByteArrayContent(delivery.Body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-GitHub-Event", "push");
            request.Headers.Add("X-GitHub-Delivery", delivery.Id);
            request.Headers.Add("X-Hub-Signature-256", delivery.Signature);
            using var response = await http.SendAsync(request);
            if ((int)response.StatusCode != 202)
            {
                return null;
            }

            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<string>();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The delivery's final state, asking (and waiting) through the Api until it is final.</summary>
    private static async Task<string?> FinalStateAsync(HttpClient http, PlannedDelivery delivery)
    {
        string? state = null;
        for (var asked = 0; asked < 30 && state is null or "queued"; asked++)
        {
            try
            {
                using var response = await http.GetAsync($"/api/repositories/{delivery.Repository}/deliveries/{delivery.Id}?wait=5");
                state = response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["state"]!.GetValue<string>() : null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                state = null;
            }
        }

        return state;
    }
}
