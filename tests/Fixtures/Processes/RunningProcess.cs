using System.Diagnostics;
using System.Text;

namespace K8sWebhookHandler.Testing.Processes;

/// <summary>
/// A long-running server the fixtures started (redis-server, git daemon, the handler): its output is kept
/// for diagnostics, a line it prints can be awaited as its readiness signal, and it can be killed for real.
/// </summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _exited.Task.IsCompleted;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static RunningProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var running = new RunningProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        running._process.OutputDataReceived += (_, e) => running.OnLine(e.Data);
        running._process.ErrorDataReceived += (_, e) => running.OnLine(e.Data);
        running._process.Exited += (_, _) => running._exited.TrySetResult();
        running._process.Start();
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits for a line of output that matches; fails at once if the process exits first.</summary>
    public Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout) =>
        WaitAsync(() => _log.ToString().Split('\n').Any(match), match, timeout);

    /// <summary>
    /// Waits until the output so far satisfies <paramref name="holds"/>, tested again with every line that arrives: for
    /// what spans lines, such as a log entry with its scope. Fails at once if the process exits first.
    /// </summary>
    public Task WaitForLogAsync(Func<string, bool> holds, TimeSpan timeout) =>
        WaitAsync(() => holds(_log.ToString()), _ => holds(_log.ToString()), timeout);

    /// <summary>Returns when <paramref name="already"/> holds of the output, or once a line arrives that <paramref name="match"/>es.</summary>
    private async Task WaitAsync(Func<bool> already, Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_log)
        {
            if (already())
            {
                return;
            }

            _waiters.Add((match, seen));
        }

        var finished = await Task.WhenAny(seen.Task, _exited.Task, Task.Delay(timeout));
        if (finished == seen.Task)
        {
            return;
        }

        throw finished == _exited.Task
            ? new InvalidOperationException($"{_process.StartInfo.FileName} exited before it was ready:\n{Log}")
            : new TimeoutException($"{_process.StartInfo.FileName} was not ready within {timeout}:\n{Log}");
    }

    /// <summary>SIGKILL, as a crash would: no shutdown code runs. Returns when the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        await _exited.Task;
    }

    /// <summary>
    /// SIGTERM, as Kubernetes stops a pod: the process shuts down as it chooses. Returns when it is gone; killed when it
    /// is still there after <paramref name="timeout"/>, a safety net that fails the caller.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task)
        {
            await KillAsync();
            throw new TimeoutException($"{_process.StartInfo.FileName} did not stop within {timeout} of SIGTERM:\n{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource> ready;
        lock (_log)
        {
            _log.AppendLine(line);
            ready = _waiters.Where(w => w.Match(line)).Select(w => w.Seen).ToList();
            _waiters.RemoveAll(w => ready.Contains(w.Seen));
        }

        foreach (var seen in ready)
        {
            seen.TrySetResult();
        }
    }
}
