using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>One load, measured first against the ceiling and then against the handler, with the same bodies.</summary>
public sealed record IntakeRow(string Load, LatencyStats Ceiling, LatencyStats Handler)
{
    public double PercentOfCeiling => Ceiling.PerSecond > 0 ? 100 * Handler.PerSecond / Ceiling.PerSecond : 0;
}

/// <summary>
/// Intake against the ceiling, in one run: for each load the same signed bodies and concurrency go through the
/// same <see cref="LoadGenerator"/> to the bare Kestrel + HMAC endpoint and, right after, to the handler.
/// The refs match <c>Handler:IgnoreRefs</c>, decided on arrival: each push is answered `ignored` once its record
/// and delivery id are stored (fsync before the 202), so the figures are about intake and durable storage.
/// </summary>
public static class IntakeScenario
{
    public const string IgnoreRefs = "^refs/heads/bench-";
    private const int Repositories = 200;
    private const int BusyRepository = Repositories;

    /// <param name="signedPush">A signed push to repository <c>r</c> with sequence number <c>i</c>.</param>
    public static async Task<IReadOnlyList<IntakeRow>> RunAsync(string secret, string kubeconfig, bool quick, Func<int, int, SignedDelivery> signedPush)
    {
        var (ceilingProcess, ceilingUri) = await CeilingServer.StartAsync(secret);
        await using var ceilingRunning = ceilingProcess;
        await using var handler = await HandlerProcess.StartAsync(new Dictionary<string, string>
        {
            ["WEBHOOK_SECRET"] = secret,
            ["KUBECONFIG"] = kubeconfig,
            ["Handler__IgnoreRefs"] = IgnoreRefs,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        var ceiling = new LoadGenerator(ceilingUri);
        var intake = new LoadGenerator(handler.BaseUri);

        var events = quick ? 2_000 : 20_000;
        var bodies = Enumerable.Range(0, events).Select(i => signedPush(i % Repositories, i)).ToArray();
        var warmUp = bodies.Take(Repositories * 2).ToArray();
        await ceiling.WarmUpAsync(warmUp);
        await intake.WarmUpAsync(warmUp);
        var measured = bodies.Skip(Repositories * 2).ToArray();
        var rows = new List<IntakeRow>
        {
            await BothAsync($"{Repositories} repositories, closed loop, 64 concurrent", ceiling, intake, load => load.ClosedLoopAsync(measured, 64)),
        };

        var busy = Enumerable.Range(events, quick ? 500 : 3_000).Select(i => signedPush(BusyRepository, i)).ToArray();
        rows.Add(await BothAsync("**1 busy repository**, closed loop, 16 concurrent senders", ceiling, intake, load => load.ClosedLoopAsync(busy, 16)));

        const int rate = 200;
        var seconds = quick ? 5 : 20;
        var paced = Enumerable.Range(events + busy.Length, rate * seconds).Select(i => signedPush(i % Repositories, i)).ToArray();
        rows.Add(await BothAsync($"{Repositories} repositories, open loop at {rate} events/s for {seconds} s", ceiling, intake, load => load.OpenLoopAsync(paced, rate)));
        return rows;
    }

    private static async Task<IntakeRow> BothAsync(string load, LoadGenerator ceiling, LoadGenerator intake, Func<LoadGenerator, Task<LatencyStats>> run)
    {
        var bare = await run(ceiling);
        var handled = await run(intake);
        return new IntakeRow(load, bare, handled);
    }

    /// <summary>The table for docs/benchmarks.md: the ceiling itself first, then each load with its ratio.</summary>
    public static string Table(IReadOnlyList<IntakeRow> rows)
    {
        var first = rows[0].Ceiling;
        var lines = rows.Select(r =>
            $"| {r.Load} | {r.Handler.Count} events | {r.Ceiling.PerSecond:F0}/s, p50 {r.Ceiling.P50:F1} ms, p99 {r.Ceiling.P99:F1} ms | " +
            $"**{r.Handler.PerSecond:F0}/s**, p50 {r.Handler.P50:F1} ms, p99 {r.Handler.P99:F1} ms, max {r.Handler.Max:F1} ms | **{r.PercentOfCeiling:F1} %** |");
        return $"""
            | load | volume | ceiling: bare Kestrel + HMAC, 202 | handler: all-in-one, fsync per acknowledgement | % of ceiling |
            |---|---|---|---|---|
            | the ceiling itself: {rows[0].Load} | {first.Count} requests | **{first.PerSecond:F0}/s**, p50 {first.P50:F1} ms, p99 {first.P99:F1} ms | — | 100 % |
            {string.Join("\n", lines)}
            """;
    }
}
