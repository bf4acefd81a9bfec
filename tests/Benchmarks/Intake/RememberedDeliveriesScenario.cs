using System.Diagnostics;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// What an acknowledgement costs as a repository's memory of delivery ids grows: one repository is first sent
/// 10,000 distinct deliveries (<c>Handler:MaxRememberedDeliveries</c>, the default), then the same load is measured
/// against it and against a repository that has seen none, in the same handler process, with the ceiling alongside.
/// </summary>
public static class RememberedDeliveriesScenario
{
    public const string Heading = "## Acknowledgement cost with 10,000 remembered deliveries";
    private const int Connections = 16;
    private const int Remembered = 10_000;
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

        var count = setup.Quick ? 300 : 2_000;
        var durability = BenchmarkSetup.LocalDurability;
        var none = await targets.CompareAsync($"1 repository that remembers no delivery ids (fresh), closed loop, {Connections} connections",
            durability, load => load.ClosedLoopAsync(setup.Pushes(20_000_000, count, _ => FreshRepository), Connections));
        var full = await targets.CompareAsync($"**1 repository that remembers {Remembered:N0} delivery ids**, closed loop, {Connections} connections",
            durability, load => load.ClosedLoopAsync(setup.Pushes(30_000_000, count, _ => FilledRepository), Connections));
        return Section(none, full, fill, filled);
    }

    private static string Section(IntakeRow none, IntakeRow full, LatencyStats fill, TimeSpan filled)
    {
        var cost = 100 * (none.Handler.PerSecond / full.Handler.PerSecond - 1);
        return $"""
            {Heading}

            Measured by `dotnet run -c Release --project tests/Benchmarks -- --scenario remembered --write docs/benchmarks.md`
            on {DateTime.UtcNow:yyyy-MM-dd}. One handler process (local all-in-one mode). First one repository is sent
            {Remembered:N0} distinct deliveries ({Connections} connections: {fill.PerSecond:F0}/s, p99 {fill.P99:F1} ms, {filled.TotalSeconds:F0} s in all),
            so that it remembers as many delivery ids as `Handler:MaxRememberedDeliveries` (default {Remembered:N0}) allows;
            then the same number of new deliveries goes to a fresh repository (which remembers up to that many by the end)
            and to the filled one (which forgets one id for each new one), each beside the ceiling.

            {IntakeRow.Table([none, full])}

            **An acknowledgement to the filled repository costs {cost:F0} % more than to the fresh one** (acked/s fresh ÷ filled − 1).
            Target on 2 cores (issue 11): within 10 %.
            """;
    }
}
