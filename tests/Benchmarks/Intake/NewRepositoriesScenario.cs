using System.Globalization;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// A large organisation's first events: each push goes to a repository the handler has never seen, so each
/// acknowledgement also activates a grain and creates its stored state. A fresh handler process, so that its
/// resident memory afterwards is what these repositories cost.
/// </summary>
public static class NewRepositoriesScenario
{
    public const string Heading = "## Many new repositories";
    private const int Connections = 32;
    private const int FirstRepository = 100_000;

    public static async Task<string> RunAsync(BenchmarkSetup setup)
    {
        await using var targets = await setup.StartLocalAsync();
        var memory = new ResidentMemory(targets.Handler.ProcessId);
        var before = memory.Current;

        var repositories = setup.Quick ? 1_000 : 10_000;
        var pushes = setup.Pushes(FirstRepository, repositories, i => i);
        var row = await targets.CompareAsync($"**{repositories:N0} repositories, each new**, closed loop, {Connections} connections",
            BenchmarkSetup.LocalDurability, load => load.ClosedLoopAsync(pushes, Connections));
        var after = memory.Current;
        var stateFiles = Directory.Exists(targets.Handler.DataDirectory)
            ? Directory.EnumerateFiles(targets.Handler.DataDirectory, "*", SearchOption.AllDirectories).Count()
            : 0;
        return Section(row with { Note = string.Create(CultureInfo.InvariantCulture, $"{after:F0} MB resident afterwards") }, before, after, memory.HighWaterMark, stateFiles);
    }

    private static string Section(IntakeRow row, double before, double after, double highWater, int files) => $"""
        {Heading}

        Measured by `dotnet run -c Release --project tests/Benchmarks -- --scenario repositories --write docs/benchmarks.md`
        on {DateTime.UtcNow:yyyy-MM-dd}. A fresh handler process (local all-in-one mode), warmed up on 20 other
        repositories; then one push to each of {row.Handler.Count + row.Handler.ErrorCount:N0} repositories it has never seen, through the same client
        and connections as the ceiling in the same run. Resident memory is VmRSS from `/proc/PID/status` (MB = 2^20 bytes).

        {IntakeRow.Table([row])}

        | handler process | figure |
        |---|---|
        | resident after warm-up | {before:F0} MB |
        | **resident right after the last 202** | **{after:F0} MB** |
        | highest resident (VmHWM) | {highWater:F0} MB |
        | files in the data directory afterwards | {files:N0} |

        Target on 2 cores (issue 11): at least 10 % of the ceiling, at most 300 MB resident afterwards.
        """;
}
