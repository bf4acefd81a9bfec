using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// A repository's state as versions before the journal stored it: one whole document per grain in the grain storage
/// named <see cref="StorageNames.Repositories"/> (the local mode's files, the cluster's Redis hash). Read while the
/// repository has no journal yet, and cleared once the journal holds a snapshot of it.
/// </summary>
/// <param name="storage">The earlier storage, or null where there is none to migrate from.</param>
public sealed class LegacyState(IGrainStorage? storage, GrainId grain)
{
    private GrainState<RepositoryState>? _read;

    /// <summary>The stored state, or null when there is none.</summary>
    public async Task<RepositoryState?> ReadAsync()
    {
        if (storage is null)
        {
            return null;
        }

        _read = new GrainState<RepositoryState>();
        await storage.ReadStateAsync(RepositoryGrain.StateName, grain, _read);
        return _read.RecordExists ? _read.State : null;
    }

    /// <summary>
    /// Removes the stored state after its migration. A failure changes nothing that matters: the journal is read
    /// first whenever it holds anything, so a state left behind is never read again.
    /// </summary>
    public async Task ClearAsync()
    {
        if (storage is null || _read is not { RecordExists: true } read)
        {
            return;
        }

        try
        {
            await storage.ClearStateAsync(RepositoryGrain.StateName, grain, read);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Left behind, and harmless: see above.
        }
    }
}
