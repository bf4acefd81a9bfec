namespace K8sWebhookHandler.Benchmarks;

/// <summary>A delivery as GitHub sends it: its id, the body and the body's <c>X-Hub-Signature-256</c>.</summary>
public sealed record SignedDelivery(string Id, byte[] Body, string Signature);

/// <summary>
/// What one load measured: the answers that were a 202 (counted as throughput, with their latency in ms) and every
/// other answer as an error, by status (0: the connection failed).
/// </summary>
public sealed record LatencyStats(int Count, double PerSecond, double P50, double P99, double Max, IReadOnlyDictionary<int, int> Errors, TimeSpan Elapsed)
{
    public int ErrorCount => Errors.Values.Sum();

    /// <summary>"none", or e.g. "3 × 401, 1 × 0" for the answers that were not a 202.</summary>
    public string ErrorSummary => Errors.Count == 0 ? "none" : string.Join(", ", Errors.OrderBy(e => e.Key).Select(e => $"{e.Value} × {e.Key}"));

    public static LatencyStats Of(IReadOnlyList<double> milliseconds, TimeSpan elapsed) => Of(milliseconds, elapsed, new Dictionary<int, int>());

    public static LatencyStats Of(IReadOnlyList<double> milliseconds, TimeSpan elapsed, IReadOnlyDictionary<int, int> errors)
    {
        var sorted = milliseconds.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new(sorted.Length, elapsed > TimeSpan.Zero ? sorted.Length / elapsed.TotalSeconds : 0, Percentile(0.50), Percentile(0.99), sorted.LastOrDefault(), errors, elapsed);
    }

    /// <summary>The answers of one load: each request's status and latency, in the order the requests were given.</summary>
    public static LatencyStats Of(int[] statuses, double[] milliseconds, TimeSpan elapsed)
    {
        var accepted = milliseconds.Where((_, i) => statuses[i] == 202).ToArray();
        var errors = statuses.Where(s => s != 202).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        return Of(accepted, elapsed, errors);
    }
}
