using System.Globalization;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// One load, measured against the ceiling and then against the handler with the same bodies, client and concurrency.
/// <paramref name="Durability"/> says what was on disk before each 202; <paramref name="MachineLoad"/> is the 1-minute
/// load average before and after the row (the machine is shared).
/// </summary>
public sealed record IntakeRow(string Load, LatencyStats Ceiling, LatencyStats Handler, string Durability, string MachineLoad, string? Note = null)
{
    /// <summary>How many times the ceiling ran this load; its figures are those of the run with the median throughput.</summary>
    public int CeilingRuns { get; init; } = 1;

    public double PercentOfCeiling => Ceiling.PerSecond > 0 ? 100 * Handler.PerSecond / Ceiling.PerSecond : 0;

    /// <summary>The rows as a Markdown table: each load with the ceiling's figures, the handler's, and the ratio.</summary>
    public static string Table(IEnumerable<IntakeRow> rows)
    {
        var lines = rows.Select(r =>
            $"| {r.Load} | {r.Handler.Count + r.Handler.ErrorCount} events | {Figures(r.Ceiling)}{(r.CeilingRuns > 1 ? $" (median of {r.CeilingRuns} runs)" : "")} | **{r.Handler.PerSecond:F0}/s**, {Latency(r.Handler)}{(r.Note is null ? "" : ", " + r.Note)} | " +
            $"**{r.PercentOfCeiling:F1} %** | {r.Durability} | {Errors(r)} | {r.MachineLoad} |");
        return $"""
            | load | volume | ceiling: bare Kestrel + HMAC, 202 | handler | % of ceiling | durability before the 202 | non-202 (ceiling / handler) | machine load |
            |---|---|---|---|---|---|---|---|
            {string.Join("\n", lines)}
            """;
    }

    private static string Figures(LatencyStats s) => $"{s.PerSecond:F0}/s, {Latency(s)}";

    private static string Latency(LatencyStats s) => string.Create(CultureInfo.InvariantCulture, $"p50 {s.P50:F1} ms, p99 {s.P99:F1} ms, max {s.Max:F1} ms");

    private static string Errors(IntakeRow r) => $"{r.Ceiling.ErrorSummary} / {r.Handler.ErrorSummary}";
}

/// <summary>
/// Runs one load against the ceiling and then the handler. The ceiling gets the load at least
/// <see cref="MinCeilingRuns"/> times, and again until <see cref="CeilingTime"/> has passed in all (it stores
/// nothing, so the same bodies serve), at most <see cref="MaxCeilingRuns"/> times; the run with the median
/// throughput is kept. On a shared machine one short run can meet a pause that says nothing about the ceiling.
/// </summary>
public static class SideBySide
{
    public static readonly TimeSpan CeilingTime = TimeSpan.FromSeconds(2);
    public const int MinCeilingRuns = 3;
    public const int MaxCeilingRuns = 15;

    public static async Task<IntakeRow> RunAsync(string load, string durability, LoadGenerator ceiling, LoadGenerator handler,
        Func<LoadGenerator, Task<LatencyStats>> run, string? note = null)
    {
        var before = MachineLoad.OneMinute();
        var bare = new List<LatencyStats> { await run(ceiling) };
        while (bare.Count < MinCeilingRuns || (bare.Sum(r => r.Elapsed.TotalSeconds) < CeilingTime.TotalSeconds && bare.Count < MaxCeilingRuns))
        {
            bare.Add(await run(ceiling));
        }

        var handled = await run(handler);
        var median = bare.OrderBy(r => r.PerSecond).ElementAt(bare.Count / 2);
        return new IntakeRow(load, median, handled, durability, $"{before} → {MachineLoad.OneMinute()}", note) { CeilingRuns = bare.Count };
    }
}

/// <summary>The 1-minute load average from <c>/proc/loadavg</c>: on a shared machine, what else was running.</summary>
public static class MachineLoad
{
    public static string OneMinute() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>The 1-, 5- and 15-minute averages, as <c>uptime</c> prints them.</summary>
    public static string Averages() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
