using System.Globalization;
using System.Text;
using K8sWebhookHandler.Benchmarks;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

// dotnet run -c Release --project tests/Benchmarks -- [--scenario throughput,repositories,remembered,cluster,memory,git,first-delivery,engines]
//     [--concurrency 100] [--starts 5] [--write docs/benchmarks.md] [--quick]
if (args.Contains(CeilingServer.Argument))
{
    await CeilingServer.RunAsync(Environment.GetEnvironmentVariable("WEBHOOK_SECRET") ?? throw new InvalidOperationException("set WEBHOOK_SECRET"));
    return 0;
}

string[] known = ["throughput", "repositories", "remembered", "cluster", "memory", "git", "first-delivery", "engines"];
var write = args.SkipWhile(a => a != "--write").Skip(1).FirstOrDefault();
var scenarios = args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault()?.Split(',') ?? known[..^1];
var concurrency = int.Parse(args.SkipWhile(a => a != "--concurrency").Skip(1).FirstOrDefault() ?? "100", CultureInfo.InvariantCulture);
var quick = args.Contains("--quick");
const string secret = "benchmark-secret";
if (scenarios.Except(known).Any())
{
    await Console.Error.WriteLineAsync("--scenario is a comma-separated list of: throughput (intake against the ceiling, processing), repositories " +
        "(10,000 new repositories), remembered (acknowledgement cost with 10,000 remembered ids), cluster (Redis, 2 silos, the Api), " +
        "memory (unsigned 25 MB bodies), git (one new commit fetched into a warm mirror, no handler), first-delivery (the first push " +
        "after /readyz, over fresh starts), engines (storage engines, no handler); without it all but engines run");
    return 2;
}

var loadAtStart = MachineLoad.Averages();
var sections = new Dictionary<string, string>();
string? report = null;
using var scratch = new TempDirectory("benchmarks");
await using var emulator = await KubeApiEmulatorServer.StartAsync();
var setup = new BenchmarkSetup(secret, emulator.WriteKubeconfig(scratch.Combine("kubeconfig")), quick,
    (repository, sequence) => Signed(secret, Payload(repository, sequence)));

if (scenarios.Contains("throughput"))
{
    var (intake, check) = await IntakeScenario.RunAsync(setup);
    await using var git = await GitServer.StartAsync();
    var processing = await ProcessingScenario.RunAsync(setup, git, emulator);
    report = ThroughputReport.Render(intake, check, processing, loadAtStart);
    Console.WriteLine(report);
}

await RunSectionAsync("repositories", NewRepositoriesScenario.Heading, () => NewRepositoriesScenario.RunAsync(setup));
await RunSectionAsync("remembered", RememberedDeliveriesScenario.Heading, () => RememberedDeliveriesScenario.RunAsync(setup));
await RunSectionAsync("cluster", ClusterScenario.Heading, () => ClusterScenario.RunAsync(setup));
await RunSectionAsync("memory", UnsignedBodies.Heading, () => UnsignedBodies.RunAsync(secret, concurrency, i => Payload(i % 10, i)));
await RunSectionAsync("git", GitFetchScenario.Heading, () => GitFetchScenario.RunAsync(quick));
await RunSectionAsync("first-delivery", FirstDeliveryScenario.Heading, async () =>
{
    await using var git = await GitServer.StartAsync();
    return await FirstDeliveryScenario.RunAsync(setup, git, FirstDeliveryScenario.Starts(args));
});
await RunSectionAsync("engines", EnginesScenario.Heading, () => EnginesScenario.RunAsync(quick));
await WriteAsync(write, report, sections);
return 0;

async Task RunSectionAsync(string name, string heading, Func<Task<string>> run)
{
    if (scenarios.Contains(name))
    {
        sections[heading] = await run();
        Console.WriteLine(sections[heading]);
    }
}

// The document is the throughput report followed by one section per other scenario; a run rewrites what it measured.
static async Task WriteAsync(string? path, string? report, Dictionary<string, string> sections)
{
    if (path is null)
    {
        return;
    }

    string[] order =
    [
        NewRepositoriesScenario.Heading, RememberedDeliveriesScenario.Heading, ClusterScenario.Heading, GitFetchScenario.Heading,
        FirstDeliveryScenario.Heading, EnginesScenario.Heading, UnsignedBodies.Heading,
    ];
    var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
    await File.WriteAllTextAsync(path, BenchmarkDocument.Merge(existing, report, sections, order));
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
