namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// A storage engine as a journal: records appended to a stream (one per repository), each durable on disk before
/// its append returns, and all of them read back in order after a restart.
/// </summary>
public interface IJournalEngine : IAsyncDisposable
{
    /// <summary>Opens the journal in its directory, recovering what is there; appends may follow.</summary>
    Task OpenAsync();

    /// <summary>Appends one record to <paramref name="stream"/>; returns once it is on disk.</summary>
    Task AppendAsync(int stream, byte[] record);

    /// <summary>Reads every record back, as a recovery would; returns how many there are.</summary>
    Task<long> ReadAllAsync();

    /// <summary>Closes the journal cleanly; a new instance over the same directory recovers it.</summary>
    Task CloseAsync();

    /// <summary>The records of each durable write so far, when the engine lets them be counted.</summary>
    IReadOnlyList<int>? BatchSizes { get; }
}

/// <summary>One engine in the comparison: its name, what a returned append means on disk, and how to make one over a directory.</summary>
/// <param name="Name">As the table shows it.</param>
/// <param name="Durability">What is on disk when an append returns, and how many fsyncs that took.</param>
/// <param name="Operations">Files it keeps, how it is compacted, what it takes to run.</param>
/// <param name="Create">A fresh instance over a directory; the same directory again means recovery.</param>
public sealed record JournalEngine(string Name, string Durability, string Operations, Func<string, IJournalEngine> Create);
