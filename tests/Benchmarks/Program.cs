using System.Diagnostics;
using System.Globalization;
using System.Text;
using K8sWebhookHandler.Benchmarks;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

// dotnet run -c Release --project tests/Benchmarks -- [--scenario throughput|memory|first-delivery] [--concurrency 100] [--starts 5] [--write docs/benchmarks.md] [--quick]
if (args.Contains(CeilingServer.Argument))
{
    await CeilingServer.RunAsync(Environment.GetEnvironmentVariable("WEBHOOK_SECRET") ?? throw new InvalidOperationException("set WEBHOOK_SECRET"));
    return 0;
}

var write = args.SkipWhile(a => a != "--write").Skip(1).FirstOrDefault();
var scenario = args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault();
var concurrency = int.Parse(args.SkipWhile(a => a != "--concurrency").Skip(1).FirstOrDefault() ?? "100", CultureInfo.InvariantCulture);
var quick = args.Contains("--quick");
const string secret = "benchmark-secret";
if (scenario is not (null or "throughput" or "memory" or "first-delivery"))
{
    await Console.Error.WriteLineAsync("--scenario is throughput (intake, latency, superseding), memory (unsigned 25 MB bodies) or first-delivery (after /readyz); without it all run");
    return 2;
}

var sections = new Dictionary<string, string>();
if (scenario is null or "memory")
{
    sections[UnsignedBodies.Heading] = await UnsignedBodies.RunAsync(secret, concurrency, i => Payload(i % 10, i));
    Console.WriteLine(sections[UnsignedBodies.Heading]);
}

if (scenario is "memory")
{
    await WriteAsync(write, null, sections);
    return 0;
}

using var scratch = new TempDirectory("benchmarks");
await using var git = await GitServer.StartAsync();
await using var emulator = await KubeApiEmulatorServer.StartAsync();
var kubeconfig = emulator.WriteKubeconfig(scratch.Combine("kubeconfig"));
var results = new List<string>();
if (scenario is null or "first-delivery")
{
    sections[FirstDelivery.Heading] = await FirstDelivery.RunAsync(secret, kubeconfig, git, FirstDelivery.Starts(args));
    Console.WriteLine(sections[FirstDelivery.Heading]);
}

if (scenario is "first-delivery")
{
    await WriteAsync(write, null, sections);
    return 0;
}

// 1. Intake against the ceiling (a bare Kestrel + HMAC endpoint in its own process), same bodies, same client.
var intake = await IntakeScenario.RunAsync(secret, kubeconfig, quick, (repository, sequence) => Signed(secret, Payload(repository, sequence)));

// 2. Event to object: a push to a repository whose mirror is warm, until the Workflow reaches the API server.
await using (var handler = await HandlerProcess.StartAsync(new Dictionary<string, string>
{
    ["WEBHOOK_SECRET"] = secret,
    ["KUBECONFIG"] = kubeconfig,
    ["Handler__CloneUrl"] = "GitUrl",
    ["Handler__Git__AllowedRemotes__0"] = git.GitRoot.ToString(),
    ["Logging__LogLevel__Default"] = "Warning",
}))
{
    var repository = await git.CreateRepositoryAsync("bench/latency");
    var before = await repository.CommitAsync("main", new Dictionary<string, string?>
    {
        [".ci/workflow.yaml"] = File.ReadAllText(Path.Combine(RepositoryPaths.ArgoWorkflows, "dag-diamond.yaml")),
    }, "manifest");
    using var client = new WebhookClient(handler.BaseUri, secret);
    var samples = new List<double>();
    var pushes = quick ? 10 : 50;
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
    results.Add($"| event to Workflow object, warm mirror, new commit each push (fetch included) | {samples.Count} pushes | sequential | **p50 {stats.P50:F1} ms, p99 {stats.P99:F1} ms** |");

    // 3. A burst of 30 pushes to one branch, sent as fast as the answers come: how many workflows are made at all.
    var burst = await git.CreateRepositoryAsync("bench/burst");
    var burstBefore = await burst.CommitAsync("main", new Dictionary<string, string?> { [".ci/workflow.yaml"] = File.ReadAllText(Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml")) }, "manifest");
    var commits = new List<(string Before, string After)>();
    for (var i = 0; i < 30; i++)
    {
        var after = await burst.CommitFileAsync("main", "burst.txt", i.ToString(CultureInfo.InvariantCulture));
        commits.Add((burstBefore, after));
        burstBefore = after;
    }

    var burstDeliveries = new List<string>();
    foreach (var (from, to) in commits)
    {
        var delivery = Guid.NewGuid().ToString();
        await client.SendAsync("push", delivery, GitHubPayloads.Push(burst.FullName, git.GitUrl(burst.FullName), git.HttpUrl(burst.FullName), "refs/heads/main", from, to));
        burstDeliveries.Add(delivery);
    }

    foreach (var delivery in burstDeliveries)
    {
        await client.OutcomeAsync(burst.FullName, delivery);
    }

    var made = emulator.FindAll("argoproj.io", "workflows", "ci").Where(w => w["metadata"]!["annotations"]!["k8s-webhook-handler.io/repo_name"]!.GetValue<string>() == burst.FullName).ToList();
    var running = made.Count(w => w["spec"]?["shutdown"] is null);
    results.Add($"| burst of 30 pushes to one branch, no pause (superseding) | 30 pushes | {made.Count} workflows created, {running} left running | newest running: {made.Any(w => w["spec"]?["shutdown"] is null && w["metadata"]!["annotations"]!["k8s-webhook-handler.io/revision"]!.GetValue<string>() == commits[^1].After)} |");
}

var report = Report(IntakeScenario.Table(intake), results);
Console.WriteLine(report);
await WriteAsync(write, report, sections);
return 0;

// The document is the throughput report followed by one section per other scenario; a run rewrites what it measured.
static async Task WriteAsync(string? path, string? report, Dictionary<string, string> sections)
{
    if (path is null)
    {
        return;
    }

    var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
    var parts = BenchmarkDocument.Split(existing);
    parts[""] = report ?? parts.GetValueOrDefault("") ?? "";
    foreach (var (heading, text) in sections)
    {
        parts[heading] = text;
    }

    await File.WriteAllTextAsync(path, BenchmarkDocument.Join(parts));
}

static byte[] Payload(int repository, int sequence)
{
    var payload = GitHubPayloads.Load("push/payload.json");
    payload["ref"] = $"refs/heads/bench-{sequence % 7}";
    payload["after"] = sequence.ToString("x40", CultureInfo.InvariantCulture);
    payload["repository"]!["full_name"] = $"bench/repo-{repository}";
    return Encoding.UTF8.GetBytes(payload.ToJsonString());
}

static SignedDelivery Signed(string secret, byte[] body) => new(Guid.NewGuid().ToString(), body, WebhookClient.Sign(secret, body));

static string Report(string intake, List<string> rows)
{
    var cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
    return $"""
        # Benchmarks

        Measured by `dotnet run -c Release --project tests/Benchmarks -- --write docs/benchmarks.md` on
        {DateTime.UtcNow:yyyy-MM-dd}: {Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {Environment.OSVersion}, .NET {Environment.Version}.
        The handler runs as its own process in local all-in-one mode (file-backed grain storage, every write
        flushed to disk before the 202); the load generator, the git server and the API emulator share the
        same machine and cores. Payloads are GitHub's push fixture (about 7 KB), HMAC-signed.

        ## Intake against the ceiling (durability: fsync per acknowledgement)

        Each load runs first against the ceiling, then against the handler, in this run, with the same client
        (`LoadGenerator`: one `HttpClient`, up to 256 pooled connections), the same signed bodies and the same
        concurrency. The ceiling is a bare Kestrel endpoint on loopback in its own process (this program with
        `--ceiling-server`) that reads the body, verifies `X-Hub-Signature-256` (HMAC-SHA256, fixed-time
        comparison) and answers 202, storing nothing. The handler writes and fsyncs the repository's state before
        each 202 (one fsync per acknowledgement, no batching). The pushes' refs match `Handler:IgnoreRefs`
        (`{IntakeScenario.IgnoreRefs}`): each is recorded `ignored` on arrival with its delivery id, so the
        figures are about intake and durable storage, not the drain loop. The busy repository receives all of
        its row's pushes.

        {intake}

        Targets on 2 cores (issue 11): at least 25 % of the ceiling for 200 repositories; at least 10 % and
        p99 at most 50 ms for one busy repository with 16 concurrent senders.

        ## Processing

        | what | volume | throughput | latency |
        |---|---|---|---|
        {string.Join("\n", rows)}

        Target on 2 cores: event to object p50 at most 100 ms.
        """;
}
