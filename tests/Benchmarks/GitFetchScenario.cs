using System.Diagnostics;
using System.Globalization;
using System.Text;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Telemetry;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// One new commit fetched into a warm mirror by the handler's own <see cref="GitMirror"/> from <c>git daemon</c> on
/// loopback: a mirror of 20,000 commits against one of 200, taken in turns so that both see the same machine; then one
/// mirror fetched into many times over, as a busy repository's is.
/// </summary>
public static class GitFetchScenario
{
    public const string Heading = "## Git fetch into a warm mirror";
    private const string Manifest = ".ci/workflow.yaml";
    private const int Files = 200;
    private const int Window = 50;
    private static readonly GitRef Main = GitRef.Branch("main");

    /// <summary>Runs the scenario and returns the section for docs/benchmarks.md.</summary>
    public static async Task<string> RunAsync(bool quick)
    {
        var (fetches, many) = quick ? (10, 200) : (Window, 1_000);
        var loadBefore = MachineLoad.OneMinute();
        await using var git = await GitServer.StartAsync();
        using var data = new TempDirectory("bench-mirrors");
        var mirror = new GitMirror(
            Options.Create(new GitOptions { AllowedRemotes = [git.GitRoot.ToString()] }),
            Options.Create(new DataDirectoryOptions { DataDirectory = data.Path }),
            new NoFetchCredentials(),
            new ServiceCollection().AddHandlerMetrics().BuildServiceProvider().GetRequiredService<HandlerMetrics>(),
            NullLogger<GitMirror>.Instance);
        Subject[] subjects = [await Subject.CreateAsync(git, mirror, 200), await Subject.CreateAsync(git, mirror, 20_000)];
        for (var i = 0; i < fetches; i++)
        {
            foreach (var subject in subjects)
            {
                await subject.FetchNewCommitAsync();
            }
        }

        var loadBetween = MachineLoad.OneMinute();
        var busy = await Subject.CreateAsync(git, mirror, 200, "busy");
        for (var i = 0; i < many; i++)
        {
            await busy.FetchNewCommitAsync();
        }

        var packs = Directory.GetFiles(data.Path, "*.idx", SearchOption.AllDirectories).Count(p => p.Contains("busy", StringComparison.Ordinal));
        return Section(subjects, fetches, [loadBefore, loadBetween, MachineLoad.OneMinute()]) + "\n\n" + ManyFetches(busy, packs);
    }

    private static string Section(Subject[] subjects, int fetches, string[] load)
    {
        var (small, large) = (LatencyStats.Of(subjects[0].Samples, TimeSpan.Zero), LatencyStats.Of(subjects[1].Samples, TimeSpan.Zero));
        var rows = subjects.Select(s => (s, LatencyStats.Of(s.Samples, TimeSpan.Zero)))
            .Select(p => $"| {p.s.Commits:N0} commits | {p.s.Cold.TotalMilliseconds:F0} ms | {fetches} | **{p.Item2.P50:F1} ms** | {p.Item2.P99:F1} ms | {p.Item2.Max:F1} ms |");
        return $"""
            {Heading}

            Measured by `dotnet run -c Release --project tests/Benchmarks -- --scenario git --write docs/benchmarks.md` on
            {DateTime.UtcNow:yyyy-MM-dd}, same machine (1-minute load average {load[0]} at the start, {load[1]} after the
            first table, {load[2]} at the end). The handler's `GitMirror`, in the benchmark's process, fetches over
            `git://` from `git daemon` on loopback. The repositories have a linear history on `main` made by
            `git fast-import` ({Files} files, each commit changing one): 200 and 20,000 commits. Each mirror is warmed by
            one full fetch; then, in turns, a commit is added to each on the server (not timed) and `ReadFileAsync` of
            `{Manifest}` at the new revision is timed: the fetch of `+refs/heads/main:refs/heads/main` through the
            mirror's staging repository, and the read.

            | mirror | first fetch (whole history) | new commits fetched | p50 | p99 | max |
            |---|---|---|---|---|---|
            {string.Join("\n", rows)}
            | **20,000 / 200** | | | **{large.P50 / small.P50:F2}×** | {large.P99 / small.P99:F2}× | |

            Target (issue 11): the 20,000-commit mirror at most 2× the 200-commit one.
            """;
    }

    private static string ManyFetches(Subject busy, int packs)
    {
        var first = LatencyStats.Of(busy.Samples[..Window], TimeSpan.Zero);
        var last = LatencyStats.Of(busy.Samples[^Window..], TimeSpan.Zero);
        return $"""
            One more 200-commit repository, its mirror fetched into {busy.Samples.Count:N0} times the same way, as a busy
            repository's is (each fetch leaves a pack; once the mirror holds more than a few, it writes its smaller packs
            as one):

            | fetches into one mirror | p50 | p99 | max |
            |---|---|---|---|
            | 1 to {Window} | **{first.P50:F1} ms** | {first.P99:F1} ms | {first.Max:F1} ms |
            | {busy.Samples.Count - Window + 1:N0} to {busy.Samples.Count:N0} | **{last.P50:F1} ms** | {last.P99:F1} ms | {last.Max:F1} ms |

            Packs in that mirror at the end: {packs}.
            """;
    }

    /// <summary>A repository with <see cref="Commits"/> commits on the server and its warm mirror.</summary>
    private sealed class Subject(GitRepository repository, GitMirror mirror, string url, int commits, TimeSpan cold)
    {
        private static readonly Dictionary<string, string> Environment = new()
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        };

        private readonly RepositoryKey _key = RepositoryKey.Parse(repository.FullName);
        private int _added;

        public int Commits { get; } = commits;

        public TimeSpan Cold { get; } = cold;

        public List<double> Samples { get; } = [];

        public static async Task<Subject> CreateAsync(GitServer git, GitMirror mirror, int commits, string name = "history")
        {
            var repository = await git.CreateRepositoryAsync($"bench/{name}-{commits}");
            var head = await ImportAsync(repository, History(commits));
            var url = git.GitUrl(repository.FullName).ToString();
            var clock = Stopwatch.StartNew();
            _ = await mirror.ReadFileAsync(new(RepositoryKey.Parse(repository.FullName), url), Main, head, Manifest, 1 << 20, CancellationToken.None)
                ?? throw new InvalidOperationException($"{Manifest} missing at {head}");
            return new Subject(repository, mirror, url, commits, clock.Elapsed);
        }

        /// <summary>Adds a commit on the server as a push would (not timed), then times reading the manifest at it.</summary>
        public async Task FetchNewCommitAsync()
        {
            var sequence = ++_added;
            var commit = $"commit refs/heads/main\ncommitter Bench <bench@example.com> {1_700_000_000 + sequence} +0000\n"
                + Data($"push {sequence}") + "from refs/heads/main^0\nM 100644 inline counter.txt\n" + Data($"{sequence}\n");
            var revision = await ImportAsync(repository, commit);
            var clock = Stopwatch.StartNew();
            _ = await mirror.ReadFileAsync(new(_key, url), Main, revision, Manifest, 1 << 20, CancellationToken.None)
                ?? throw new InvalidOperationException($"{Manifest} missing at {revision}");
            Samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        private static async Task<string> ImportAsync(GitRepository repository, string stream)
        {
            await ProcessRunner.RunCheckedAsync("git", ["fast-import", "--quiet"], repository.BarePath, stream, Environment);
            return (await ProcessRunner.RunCheckedAsync("git", ["rev-parse", "refs/heads/main"], repository.BarePath, environment: Environment)).Trim();
        }

        /// <summary>A <c>git fast-import</c> stream: the manifest and <see cref="Files"/> files, then one file changed per commit.</summary>
        private static string History(int commits)
        {
            var stream = new StringBuilder();
            for (var i = 1; i <= commits; i++)
            {
                stream.Append(CultureInfo.InvariantCulture, $"commit refs/heads/main\nmark :{i}\ncommitter Bench <bench@example.com> {1_600_000_000 + i} +0000\n");
                stream.Append(Data($"commit {i}"));
                if (i > 1)
                {
                    stream.Append(CultureInfo.InvariantCulture, $"from :{i - 1}\n");
                }

                foreach (var file in i == 1 ? Enumerable.Range(0, Files) : [i % Files])
                {
                    stream.Append(CultureInfo.InvariantCulture, $"M 100644 inline src/dir{file % 20}/file{file}.txt\n");
                    stream.Append(Data($"file {file} at commit {i}\n"));
                }

                if (i == 1)
                {
                    stream.Append(CultureInfo.InvariantCulture, $"M 100644 inline {Manifest}\n").Append(Data("kind: Workflow\n"));
                }
            }

            return stream.ToString();
        }

        private static string Data(string text) => $"data {Encoding.UTF8.GetByteCount(text)}\n{text}\n";
    }
}
