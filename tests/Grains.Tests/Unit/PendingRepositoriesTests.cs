using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Testing.Processes;
using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class PendingRepositoriesTests
{
    [Fact]
    public async Task StoredInboxes_OnlyRepositoriesWithDeliveriesAreListed()
    {
        using var directory = new TempDirectory();
        var storage = new FileGrainStorage(directory.Path);
        await WriteAsync(storage, "octo/busy", new PendingDelivery(TestEvents.Push("octo/busy"), 0, DateTimeOffset.UnixEpoch, null),
            new PendingDelivery(TestEvents.Push("octo/busy", branch: "dev"), 2, DateTimeOffset.UnixEpoch, "the remote did not answer"));
        await WriteAsync(storage, "octo/idle");

        var pending = await new FileGrainStorage(directory.Path).PendingRepositoriesAsync(CancellationToken.None).ToListAsync();

        Assert.Equal([new PendingRepository("octo/busy", 2)], pending);
    }

    private static Task WriteAsync(IGrainStorage storage, string key, params PendingDelivery[] inbox)
    {
        var state = new GrainState<RepositoryState> { State = new RepositoryState { Inbox = [.. inbox] } };
        return storage.WriteStateAsync(RepositoryGrain.StateName, GrainId.Create("repository", key), state);
    }
}
