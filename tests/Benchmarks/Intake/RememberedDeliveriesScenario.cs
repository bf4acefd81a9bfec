using System.Diagnostics;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// What an acknowledgement costs as a repository's memory of delivery ids grows: one repository is first sent
/// 10,000 distinct deliveries (<c>Handler:MaxRememberedDeliveries</c>, the default), then, in alternating rounds, the
/// same load is measured against a repository that has seen none and against the filled one, in the same handler
/// process, with the ceiling alongside. The cost is the handler process's processor time per acknowledgement (user
/// and system, every thread, the journal's writer included), which a shared machine disturbs far less than
/// throughput; the throughput of one repository's 16 senders is reported beside it.
/// </summary>
public static class RememberedDeliveriesScenario
{
    public const string Heading = "## Acknowledgement cost with 10,000 remembered deliveries";
    private const int Connections = 16;
    private const int Remembered = 10_000;
    private const int Rounds = 3;
    private const int FilledRepository = 1_000_000;
    private const int FreshRepository = 1_000_001;

    public static async Task<string> RunAsync(BenchmarkSetup setup)
    {
        await using var targets = await setup.StartLocalAsync();
        var clock = Stopwatch.StartNew();
        var fill = await targets.Intake.ClosedLoopAsync(setup.Pushes(10_000_000, Remembered, _ => FilledRepository), Connections);
        var filled = clock.Elapsed;
        if (fill.Count != Remembered)
        {
            throw new InvalidOperationException($"filling the repository: {fill.Count} × 202 of {Remembered}, errors {fill.ErrorSummary}");
        }

        var count = setup.Quick ? 300 : 4_000;
        var rows = new List<Measured>();
        for (var round = 1; round <= Rounds; round++)
        {
            var fresh = FreshRepository + round;
            rows.Add(await MeasureAsync(targets, $"round {round}: 1 repository that remembers no delivery ids (fresh), closed loop, {Connections} connections", true,
                setup.Pushes(20_000_000 + (round * count), count, _ => fresh)));
            rows.Add(await MeasureAsync(targets, $"round {round}: **1 repository that remembers {Remembered:N0} delivery ids**, closed loop, {Connections} connections", false,
                setup.Pushes(30_000_000 + (round * count), count, _ => FilledRepository)));
        }

        return Section(rows, fill, filled, count);
    }

    /// <summary>One row, and the handler process's processor time over the handler's part of it (not the ceiling's).</summary>
    private static async Task<Measured> MeasureAsync(IntakeTargets targets, string load, bool fresh, SignedDelivery[] pushes)
    {
        using var handler = Process.GetProcessById(targets.Handler.ProcessId);
        var processor = TimeSpan.Zero;
        var row = await targets.CompareAsync(load, BenchmarkSetup.LocalDurability, async generator =>
        {
            handler.Refresh();
            var before = handler.TotalProcessorTime;
            var stats = await generator.ClosedLoopAsync(pushes, Connections);
            handler.Refresh();
            processor = generator == targets.Intake ? handler.TotalProcessorTime - before : processor;
            return stats;
        });
        return new Measured(row, fresh, processor.TotalMicroseconds / Math.Max(1, row.Handler.Count));
    }

    private static string Section(List<Measured> rows, LatencyStats fill, TimeSpan filled, int count)
    {
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        var (fresh, full) = (rows.Where(r => r.Fresh).ToList(), rows.Where(r => !r.Fresh).ToList());
        var (freshCpu, fullCpu) = (Median(fresh.Select(r => r.MicrosecondsPerAck)), Median(full.Select(r => r.MicrosecondsPerAck)));
        var (freshShare, fullShare) = (Median(fresh.Select(r => r.Row.PercentOfCeiling)), Median(full.Select(r => r.Row.PercentOfCeiling)));
        var (freshRate, fullRate) = (Median(fresh.Select(r => r.Row.Handler.PerSecond)), Median(full.Select(r => r.Row.Handler.PerSecond)));
        var perRound = string.Join(", ", rows.Select(r => $"{r.MicrosecondsPerAck:F0}"));
        return $"""
            {Heading}

            Measured by `dotnet run -c Release --project tests/Benchmarks -- --scenario remembered --write docs/benchmarks.md`
            on {DateTime.UtcNow:yyyy-MM-dd}. One handler process (local all-in-one mode). First one repository is sent
            {Remembered:N0} distinct deliveries ({Connections} connections: {fill.PerSecond:F0}/s, p99 {fill.P99:F1} ms, {filled.TotalSeconds:F0} s in all),
            so that it remembers as many delivery ids as `Handler:MaxRememberedDeliveries` (default {Remembered:N0}) allows.
            Then, in {Rounds} rounds, {count:N0} new deliveries go to a repository not seen before (which remembers them all by
            the end) and as many to the filled one (which forgets an old id for each new one, a sixty-fourth of the limit at a
            time), each beside the ceiling. The cost of an acknowledgement is the handler process's processor time (user and
            system, all threads, the journal's writer included; `/proc/PID/stat`) over the handler's part of the row,
            divided by the 202s.

            {IntakeRow.Table(rows.Select(r => r.Row))}

            | figure | fresh (median of {Rounds}) | filled (median of {Rounds}) | filled vs. fresh |
            |---|---|---|---|
            | **processor time per acknowledgement** | {freshCpu:F0} µs | {fullCpu:F0} µs | **{100 * (fullCpu / freshCpu - 1):+0;-0} %** |
            | acked/s | {freshRate:F0}/s | {fullRate:F0}/s | {100 * (freshRate / fullRate - 1):+0;-0} % (fresh ÷ filled − 1) |
            | acked/s as a share of the ceiling | {freshShare:F1} % | {fullShare:F1} % | {100 * (freshShare / fullShare - 1):+0;-0} % (fresh ÷ filled − 1) |

            Processor time per acknowledgement in row order: {perRound} µs.
            Target on 2 cores (issue 11): an acknowledgement to the filled repository costs within 10 % of one to the fresh one.
            """;
    }

    private sealed record Measured(IntakeRow Row, bool Fresh, double MicrosecondsPerAck);
}
