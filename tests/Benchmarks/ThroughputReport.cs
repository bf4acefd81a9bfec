namespace K8sWebhookHandler.Benchmarks;

/// <summary>The head of docs/benchmarks.md: the machine, intake against the ceiling, and processing.</summary>
public static class ThroughputReport
{
    public static string Render(IReadOnlyList<IntakeRow> intake, string check, IReadOnlyList<string> processing, string loadAtStart)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"""
            # Benchmarks

            Measured by `dotnet run -c Release --project tests/Benchmarks -- --write docs/benchmarks.md` on
            {DateTime.UtcNow:yyyy-MM-dd}: {Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {Environment.OSVersion}, .NET {Environment.Version}.
            The machine is shared: its load average (1, 5, 15 minutes) was {loadAtStart} when the run began, and each
            row gives the 1-minute average before and after it. The handler runs as its own process in local all-in-one
            mode unless a section says otherwise; the load generator, the git server and the API emulator share the
            same machine and cores. Payloads are GitHub's push fixture (about 7 KB), HMAC-signed.

            ## Intake against the ceiling

            Each load runs first against the ceiling, then against the handler, in this run, with the same client, the
            same signed bodies and the same concurrency. The ceiling is a bare Kestrel endpoint on loopback in its own
            process (this program with `--ceiling-server`) that reads the body, verifies `X-Hub-Signature-256`
            (HMAC-SHA256, fixed-time comparison) and answers 202, storing nothing. The client (`LoadGenerator`) is a
            minimal HTTP/1.1 keep-alive client over plain sockets: each request's bytes (request line, headers, body)
            are built before the clock starts, and of the answer it reads only the status line, the headers up to the
            blank line and the body by `Content-Length` or chunked framing. A closed loop keeps N connections each
            sending its next request when the last is answered; an open loop sends at a fixed rate on idle or new
            connections and counts latency from when each request was due. Only a 202 counts as throughput; any
            other answer, or a failed connection, is an error. Before measuring, the client was checked against both
            targets: {check}. The pushes' refs match `Handler:IgnoreRefs` (`{BenchmarkSetup.IgnoreRefs}`):
            each is recorded `ignored` on arrival with its delivery id, so the figures are about intake and durable
            storage, not the drain loop. The busy repository receives all of its row's pushes. Before the first row, both
            processes get 3,000 pushes to 20 repositories twice (new delivery ids the second time), each time followed by
            a wait until neither uses more than 5 % of a core (`QuietProcess`): .NET recompiles hot code in the background
            for seconds after a load, and a row measured meanwhile measures the compiler, the ceiling's most of all.
            Where the handler's time goes, with profiles, is in [performance.md](performance.md).

            {IntakeRow.Table(intake)}

            Targets on 2 cores (issue 11): at least 25 % of the ceiling for 200 repositories; at least 10 % and
            p99 at most 50 ms for one busy repository with 16 concurrent senders; p99 at most 10 ms at 200 events/s.

            ## Processing

            | what | volume | throughput | latency | machine load |
            |---|---|---|---|---|
            {string.Join("\n", processing)}

            Target on 2 cores: event to object p50 at most 40 ms, p99 at most 100 ms (issue 11).
            """;
    }
}
