using System.Globalization;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>One run of appends: its figures, the records per durable write when the engine lets them be counted, what it left on disk.</summary>
public sealed record EngineRun(int Writers, LatencyStats Stats, IReadOnlyList<int>? Batches, int Files, long Bytes, string MachineLoad)
{
    public TimeSpan? Opened { get; init; }

    public TimeSpan? ReadBack { get; init; }

    public long Recovered { get; init; }

    /// <summary>"mean 12.3, p50 8, max 64 (1,234 writes)", or a dash.</summary>
    public string BatchSummary
    {
        get
        {
            if (Batches is not { Count: > 0 } batches)
            {
                return "not observable";
            }

            var sorted = batches.Order().ToArray();
            return string.Create(CultureInfo.InvariantCulture,
                $"mean {batches.Average():F1}, p50 {sorted[sorted.Length / 2]}, max {sorted[^1]} ({batches.Count:N0} writes)");
        }
    }
}

/// <summary>One engine's row: 64 writers (then the reopening of the 100,000 records they wrote), and 1 writer.</summary>
public sealed record EngineRow(JournalEngine Engine, EngineRun Many, EngineRun One)
{
    public static string Line(EngineRow r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Engine.Name} | **{r.Many.Stats.PerSecond:N0}/s**, p50 {r.Many.Stats.P50:F2} ms, p99 {r.Many.Stats.P99:F2} ms | {r.Many.BatchSummary} | " +
        $"**{r.One.Stats.PerSecond:N0}/s**, p50 {r.One.Stats.P50:F2} ms, p99 {r.One.Stats.P99:F2} ms | {r.One.BatchSummary} | " +
        $"open {r.Many.Opened?.TotalMilliseconds:F0} ms, **open + read all {r.Many.ReadBack?.TotalMilliseconds:F0} ms** ({r.Many.Recovered:N0} records) | " +
        $"{r.Many.Files} files, {r.Many.Bytes / 1048576.0:F1} MB | {r.Many.MachineLoad} / {r.One.MachineLoad} |");

    public static string Section(IReadOnlyList<EngineRow> rows, int filled, int single, int recordSize) => $"""
        {EnginesScenario.Heading}

        Measured by `dotnet run -c Release --project tests/Benchmarks -- --scenario engines --write docs/benchmarks.md` on
        {DateTime.UtcNow:yyyy-MM-dd}, same machine, no handler: the engines alone as a journal. Records of {recordSize} bytes (a
        JSON event with padding). **64 writers** (each its own stream, as repositories are) share {filled:N0} appends; **1 writer**
        makes {single:N0}; every append returns only once it is durable. Group commit for SQLite and the plain file is one queue
        and one writer loop (`GroupCommit`: each batch is whatever queued while the last one was written, at most 1,024; no
        added delay); FasterLog's is one committer loop calling `CommitAsync` whenever something was enqueued; the Redis-protocol
        servers batch by themselves (one StackExchange.Redis connection, pipelined). "Recovery" closes the 64-writer journal
        ({filled + 1:N0} records), opens it again and reads every record back. The machine load column is the 1-minute
        load average when each run began (64 writers / 1 writer).

        | engine | 64 writers: appends/s, latency | records per durable write | 1 writer: appends/s, latency | records per durable write | recovery of {filled:N0} records | on disk after {filled:N0} | machine load |
        |---|---|---|---|---|---|---|---|
        {string.Join("\n", rows.Select(Line))}

        | engine | durable when an append returns | operations |
        |---|---|---|
        {string.Join("\n", rows.Select(r => $"| {r.Engine.Name} | {r.Engine.Durability} | {r.Engine.Operations} |"))}
        """;
}
