using System.Globalization;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>A process's resident memory as Linux reports it in <c>/proc/PID/status</c>, in MB (2^20 bytes).</summary>
public sealed class ResidentMemory(int processId)
{
    /// <summary>VmRSS: resident now.</summary>
    public double Current => Field("VmRSS:");

    /// <summary>VmHWM: the highest resident size since the process started.</summary>
    public double HighWaterMark => Field("VmHWM:");

    /// <summary>Samples <see cref="Current"/> every <paramref name="interval"/> until <paramref name="stop"/>; returns the highest seen.</summary>
    public async Task<double> HighestUntilAsync(TimeSpan interval, CancellationToken stop)
    {
        var highest = Current;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                highest = Math.Max(highest, Current);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the last sample is in.
        }

        return Math.Max(highest, Current);
    }

    private double Field(string name)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith(name, StringComparison.Ordinal));
        var kilobytes = long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes / 1024.0;
    }
}
