using System.Diagnostics;
using System.Globalization;
using System.Text;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// One new commit fetched into a warm mirror by the handler's own <see cref="GitMirror"/> from <c>git daemon</c> on
/// loopback: a mirror of 20,000 commits against one of 200, taken in turns so that both see the same machine.
/// </summary>
public static class GitFetchScenario
{
    public const string Heading = "## Git fetch into a warm mirror";
    private const string Manifest = ".ci/workflow.yaml";
    private const int Files = 200;
    private static readonly GitRef Main = GitRef.Branch("main");

    /// <summary>Runs the scenario and returns the section for docs/benchmarks.md.</summary>
    public static async Task<string> RunAsync(bool quick)
    {
        var fetches = quick ? 10 : 50;
        var loadBefore = LoadAverage();
        await using var git = await GitServer.StartAsync();
        using var data = new TempDirectory("bench-mirrors");
        var mirror = new GitMirror(
            Options.Create(new GitOptions { AllowedRemotes = [git.GitRoot.ToString()] }),
            Options.Create(new DataDirectoryOptions { DataDirectory = data.Path }),
            NullLogger<GitMirror>.Instance);
        Subject[] subjects = [await Subject.CreateAsync(git, mirror, 200), await Subject.CreateAsync(git, mirror, 20_000)];
        for (var i = 0; i < fetches; i++)
        {
            foreach (var subject in subjects)
            {
                await subject.FetchNewCommitAsync(i);
            }
        }

        return Section(subjects, fetches, loadBefore, LoadAverage());
    }

    private static string Section(Subject[] subjects, int fetches, string loadBefore, string loadAfter)
    {
        var (small, large) = (LatencyStats.Of(subjects[0].Samples, TimeSpan.Zero), LatencyStats.Of(subjects[1].Samples, TimeSpan.Zero));
        var rows = subjects.Select(s => (s, LatencyStats.Of(s.Samples, TimeSpan.Zero)))
            .Select(p => $"| {p.s.Commits:N0} commits | {p.s.Cold.TotalMilliseconds:F0} ms | {fetches} | **{p.Item2.P50:F1} ms** | {p.Item2.P99:F1} ms | {p.Item2.Max:F1} ms |");
        return $"""
            {Heading}

            Measured by `dotnet run -c Release --project tests/Benchmarks -- --scenario git --write docs/benchmarks.md` on
            {DateTime.UtcNow:yyyy-MM-dd}, same machine (load average {loadBefore} before, {loadAfter} after). The handler's
            `GitMirror`, in the benchmark's process, fetches over `git://` from `git daemon` on loopback. Two repositories
            with a linear history on `main` made by `git fast-import` ({Files} files, each commit changing one): 200 and
            20,000 commits. Each mirror is warmed by one full fetch; then, in turns, a commit is pushed to each with the
            git CLI (not timed) and `ReadFileAsync` of `{Manifest}` at the new revision is timed: the fetch of that
            commit (`+refs/heads/main:refs/heads/main`, through the mirror's staging repository) and the read.

            | mirror | first fetch (whole history) | new commits fetched | p50 | p99 | max |
            |---|---|---|---|---|---|
            {string.Join("\n", rows)}
            | **20,000 / 200** | | | **{large.P50 / small.P50:F2}×** | {large.P99 / small.P99:F2}× | |

            Target (issue 11): the 20,000-commit mirror at most 2× the 200-commit one.
            """;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    /// <summary>A repository with <see cref="Commits"/> commits on the server and its warm mirror.</summary>
    private sealed class Subject(GitRepository repository, GitMirror mirror, string url, int commits, TimeSpan cold)
    {
        private static readonly Dictionary<string, string> Environment = new()
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        };

        private readonly RepositoryKey _key = RepositoryKey.Parse(repository.FullName);

        public int Commits { get; } = commits;

        public TimeSpan Cold { get; } = cold;

        public List<double> Samples { get; } = [];

        public static async Task<Subject> CreateAsync(GitServer git, GitMirror mirror, int commits)
        {
            var repository = await git.CreateRepositoryAsync($"bench/history-{commits}");
            await ProcessRunner.RunCheckedAsync("git", ["fast-import", "--quiet"], repository.BarePath, History(commits), Environment);
            await ProcessRunner.RunCheckedAsync("git", ["fetch", "-q", "origin", "main"], repository.WorkPath, environment: Environment);
            await ProcessRunner.RunCheckedAsync("git", ["checkout", "-q", "-B", "main", "FETCH_HEAD"], repository.WorkPath, environment: Environment);
            var head = (await repository.RevParseAsync("HEAD")).Trim();
            var url = git.GitUrl(repository.FullName).ToString();
            var clock = Stopwatch.StartNew();
            _ = await mirror.ReadFileAsync(RepositoryKey.Parse(repository.FullName), url, Main, head, Manifest, 1 << 20, CancellationToken.None)
                ?? throw new InvalidOperationException($"{Manifest} missing at {head}");
            return new Subject(repository, mirror, url, commits, clock.Elapsed);
        }

        public async Task FetchNewCommitAsync(int sequence)
        {
            var revision = await repository.CommitFileAsync("main", "counter.txt", sequence.ToString(CultureInfo.InvariantCulture));
            var clock = Stopwatch.StartNew();
            _ = await mirror.ReadFileAsync(_key, url, Main, revision, Manifest, 1 << 20, CancellationToken.None)
                ?? throw new InvalidOperationException($"{Manifest} missing at {revision}");
            Samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        /// <summary>A <c>git fast-import</c> stream: the manifest and <see cref="Files"/> files, then one file changed per commit.</summary>
        private static string History(int commits)
        {
            var stream = new StringBuilder();
            for (var i = 1; i <= commits; i++)
            {
                stream.Append(CultureInfo.InvariantCulture, $"commit refs/heads/main\nmark :{i}\ncommitter Bench <bench@example.com> {1_600_000_000 + i} +0000\n");
                Data(stream, $"commit {i}");
                if (i > 1)
                {
                    stream.Append(CultureInfo.InvariantCulture, $"from :{i - 1}\n");
                }

                var changed = i == 1 ? Enumerable.Range(0, Files) : [i % Files];
                foreach (var file in changed)
                {
                    stream.Append(CultureInfo.InvariantCulture, $"M 100644 inline src/dir{file % 20}/file{file}.txt\n");
                    Data(stream, $"file {file} at commit {i}\n");
                }

                if (i == 1)
                {
                    stream.Append(CultureInfo.InvariantCulture, $"M 100644 inline {Manifest}\n");
                    Data(stream, "kind: Workflow\n");
                }
            }

            return stream.ToString();
        }

        private static void Data(StringBuilder stream, string text) =>
            stream.Append(CultureInfo.InvariantCulture, $"data {Encoding.UTF8.GetByteCount(text)}\n{text}\n");
    }
}
