namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// Intake against the ceiling, in one run: for each load the same signed bodies and concurrency go through the
/// same <see cref="LoadGenerator"/> to the bare Kestrel + HMAC endpoint and, right after, to the handler.
/// </summary>
public static class IntakeScenario
{
    private const int Repositories = 200;
    private const int BusyRepository = Repositories;

    /// <summary>The rows, and what the load generator's check against both targets counted.</summary>
    public static async Task<(IReadOnlyList<IntakeRow> Rows, string Check)> RunAsync(BenchmarkSetup setup)
    {
        await using var targets = await setup.StartLocalAsync();
        var events = setup.Quick ? 2_000 : 20_000;
        var bodies = setup.Pushes(0, events, i => i % Repositories);
        var checks = await targets.VerifyClientAsync(bodies[..50]);
        await targets.WarmUpAsync(bodies[50..(Repositories * 2)]);
        var measured = bodies[(Repositories * 2)..];
        var durability = BenchmarkSetup.LocalDurability;
        var rows = new List<IntakeRow>
        {
            await targets.CompareAsync($"{Repositories} repositories, closed loop, 64 connections", durability, load => load.ClosedLoopAsync(measured, 64)),
        };

        var busy = setup.Pushes(events, setup.Quick ? 500 : 3_000, _ => BusyRepository);
        rows.Add(await targets.CompareAsync("**1 busy repository**, closed loop, 16 connections", durability, load => load.ClosedLoopAsync(busy, 16)));

        const int rate = 200;
        var seconds = setup.Quick ? 5 : 20;
        var paced = setup.Pushes(events + busy.Length, rate * seconds, i => i % Repositories);
        rows.Add(await targets.CompareAsync($"{Repositories} repositories, open loop at {rate} events/s for {seconds} s", durability, load => load.OpenLoopAsync(paced, rate)));
        return (rows, checks);
    }
}
