namespace K8sWebhookHandler.KubeApiEmulator.Diagnostics;

/// <summary>One request as the emulator received it, and the status it answered.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    string? ContentType,
    string Body,
    string? UserAgent)
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The status answered; 0 until the request is finished.</summary>
    public int StatusCode { get; private set; }

    /// <summary>Completes when the emulator has finished with the request, even if the client gave up on it.</summary>
    public Task Completed => _completed.Task;

    internal void Complete(int statusCode)
    {
        StatusCode = statusCode;
        _completed.TrySetResult();
    }

    /// <summary>The value of one query parameter, or null.</summary>
    public string? QueryValue(string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Query).TryGetValue(name, out var v) ? v.ToString() : null;
}

/// <summary>Every request the emulator has served, in arrival order, for tests to assert on.</summary>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(Func<RecordedRequest, bool> Match, TaskCompletionSource<RecordedRequest> Seen)> _waiters = [];
    private readonly List<(Func<IReadOnlyList<RecordedRequest>, bool> Condition, TaskCompletionSource Holds)> _conditions = [];

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return _requests.ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>
    /// Waits until a request that matches has arrived (or returns one that already has). The match is tried when a
    /// request arrives and again when it is finished, so a match on <see cref="RecordedRequest.StatusCode"/> sees
    /// the answer.
    /// </summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_requests.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            _waiters.Add((match, seen));
        }

        return await seen.Task.WaitAsync(timeout);
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds over the whole log (or returns if it already does), checked again
    /// whenever a request arrives and whenever one is finished: for counts, such as "every delivery answered 503 ten times".
    /// </summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<RecordedRequest>, bool> condition, TimeSpan timeout)
    {
        var holds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_requests))
            {
                return;
            }

            _conditions.Add((condition, holds));
        }

        await holds.Task.WaitAsync(timeout);
    }

    internal void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }

        Notify(request);
        request.Completed.ContinueWith(_ => Notify(request), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Notify(RecordedRequest request)
    {
        List<TaskCompletionSource<RecordedRequest>> matched;
        List<TaskCompletionSource> held;
        lock (_gate)
        {
            matched = _waiters.Where(w => w.Match(request)).Select(w => w.Seen).ToList();
            _waiters.RemoveAll(w => matched.Contains(w.Seen));
            held = _conditions.Where(c => c.Condition(_requests)).Select(c => c.Holds).ToList();
            _conditions.RemoveAll(c => held.Contains(c.Holds));
        }

        foreach (var seen in matched)
        {
            seen.TrySetResult(request);
        }

        held.ForEach(holds => holds.TrySetResult());
    }
}
