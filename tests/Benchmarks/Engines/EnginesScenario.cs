using System.Diagnostics;
using System.Globalization;
using System.Text;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// Storage engines as a journal, without the handler: N concurrent writers each append small records (about
/// 400 bytes) and each append must be on disk before it returns. Then a journal of 100,000 records is closed,
/// reopened and read back whole, as a recovery would.
/// </summary>
public static class EnginesScenario
{
    public const string Heading = "## Storage engines for the journal";
    private const int RecordSize = 400;

    public static IReadOnlyList<JournalEngine> All { get; } =
        [SqliteJournal.Engine, FasterLogJournal.Engine, FileJournal.Engine, GarnetEmbeddedServer.Engine, RedisProcessServer.Engine];

    public static async Task<string> RunAsync(bool quick)
    {
        using var scratch = new TempDirectory("engines");
        var filled = quick ? 10_000 : 100_000;
        var single = quick ? 300 : 2_000;
        var rows = new List<EngineRow>();
        foreach (var engine in All)
        {
            var many = await AppendAsync(engine, scratch.Combine(Slug(engine, "many")), writers: 64, filled, reopen: true);
            var one = await AppendAsync(engine, scratch.Combine(Slug(engine, "one")), writers: 1, single, reopen: false);
            rows.Add(new EngineRow(engine, many, one));
            Console.WriteLine(EngineRow.Line(rows[^1]));
        }

        return EngineRow.Section(rows, filled, single, RecordSize);
    }

    /// <summary>
    /// <paramref name="writers"/> writers share <paramref name="records"/> appends, each to its own stream; then,
    /// when <paramref name="reopen"/>, the journal is closed, opened again (timed) and read whole (timed).
    /// </summary>
    private static async Task<EngineRun> AppendAsync(JournalEngine engine, string directory, int writers, int records, bool reopen)
    {
        var load = MachineLoad.OneMinute();
        var latencies = new double[records];
        IReadOnlyList<int>? batches;
        var clock = Stopwatch.StartNew();
        await using (var journal = engine.Create(directory))
        {
            await journal.OpenAsync();
            await journal.AppendAsync(-1, Record(-1, 0));
            clock.Restart();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < records)
                {
                    var started = Stopwatch.GetTimestamp();
                    await journal.AppendAsync(writer, Record(writer, i));
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            })));
            clock.Stop();
            batches = journal.BatchSizes;
            await journal.CloseAsync();
        }

        var stats = LatencyStats.Of(latencies, clock.Elapsed);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        var run = new EngineRun(writers, stats, batches, files.Count, files.Sum(f => f.Length), load);
        return reopen ? await ReopenAsync(engine, directory, run, records + 1) : run;
    }

    private static async Task<EngineRun> ReopenAsync(JournalEngine engine, string directory, EngineRun run, int expected)
    {
        await using var journal = engine.Create(directory);
        var clock = Stopwatch.StartNew();
        await journal.OpenAsync();
        var opened = clock.Elapsed;
        var count = await journal.ReadAllAsync();
        var read = clock.Elapsed;
        await journal.CloseAsync();
        if (count != expected)
        {
            throw new InvalidOperationException($"{engine.Name}: {count} records read back after reopening, {expected} appended");
        }

        return run with { Opened = opened, ReadBack = read, Recovered = count };
    }

    /// <summary>A record of <see cref="RecordSize"/> bytes, like a journal event in JSON: the writer, the sequence, padding.</summary>
    private static byte[] Record(int writer, int sequence)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{{\"kind\":\"delivery-accepted\",\"stream\":{writer},\"sequence\":{sequence},\"delivery\":\"{Guid.NewGuid()}\",\"ref\":\"refs/heads/main\",\"pad\":\"");
        return Encoding.UTF8.GetBytes(text.PadRight(RecordSize - 2, 'x') + "\"}");
    }

    private static string Slug(JournalEngine engine, string run) =>
        new string(engine.Name.TakeWhile(char.IsLetter).ToArray()).ToLowerInvariant() + "-" + run;
}
