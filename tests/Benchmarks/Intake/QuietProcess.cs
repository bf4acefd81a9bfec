using System.Diagnostics;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// Waits until a process has finished the work a load left behind it: a .NET process recompiles its hot methods in
/// the background (tiered compilation, with an instrumented tier in between) for seconds after the load that made them
/// hot, and a row measured meanwhile measures the compiler. The process counts as quiet once it used under
/// <see cref="QuietShare"/> of one core in each of two consecutive <see cref="Interval"/>s (its processor time, all
/// threads, from <c>/proc/PID/stat</c>).
/// </summary>
public static class QuietProcess
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    public const double QuietShare = 0.05;

    /// <summary>Returns how long it took, or <paramref name="limit"/> if the process never went quiet.</summary>
    public static async Task<TimeSpan> WaitAsync(int processId, TimeSpan limit)
    {
        using var process = Process.GetProcessById(processId);
        var clock = Stopwatch.StartNew();
        var (quiet, last) = (0, process.TotalProcessorTime);
        using var timer = new PeriodicTimer(Interval);
        while (quiet < 2 && clock.Elapsed < limit && await timer.WaitForNextTickAsync())
        {
            process.Refresh();
            var used = process.TotalProcessorTime - last;
            last += used;
            quiet = used < Interval * QuietShare ? quiet + 1 : 0;
        }

        return clock.Elapsed;
    }
}
