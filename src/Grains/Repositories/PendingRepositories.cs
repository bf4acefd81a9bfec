using System.Runtime.CompilerServices;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>A repository whose stored inbox holds deliveries: the key of its grain, and how many are pending.</summary>
public sealed record PendingRepository(string GrainKey, int Deliveries);

public static class PendingRepositories
{
    /// <summary>
    /// The repositories whose inbox, as stored in the local mode's <paramref name="storage"/>, still holds deliveries:
    /// those to wake after a restart, because the local mode's reminders do not outlive the process.
    /// </summary>
    public static async IAsyncEnumerable<PendingRepository> PendingRepositoriesAsync(
        this FileGrainStorage storage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (grainId, state) in storage.ReadAllAsync<RepositoryState>(RepositoryGrain.StateName, cancellationToken))
        {
            if (state.Inbox.Count > 0)
            {
                yield return new PendingRepository(GrainId.Parse(grainId).Key.ToString()!, state.Inbox.Count);
            }
        }
    }
}
