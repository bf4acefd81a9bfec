using System.Text.Json;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Grains.Health;

/// <summary>
/// Reads its journal from the store the repository grains use, on every probe: an activated grain answers from memory,
/// so only a read shows whether storage answers now. Readiness's journal is never written, so nothing accumulates. The
/// warm-up's journal holds one small snapshot, whatever it wrote before, and the reminder it registers is removed.
/// </summary>
public sealed class StorageProbeGrain(IJournalStore journal) : Grain, IStorageProbeGrain, IRemindable
{
    private const string WarmUpReminder = "warm-up";

    private string Stream => this.GetGrainId().ToString();

    public Task Probe() => journal.ReadAsync(Stream, CancellationToken.None);

    public async Task<WebhookEvent?> WarmUp(WebhookEvent sample)
    {
        var accepted = await AppendAsAcknowledgementAsync(new DeliveryAccepted(sample, sample.ReceivedAt));
        var compacted = await CompactAsync();

        // Reminders are never due before a minute has passed, so this one is gone before it could fire.
        await this.UnregisterReminder(await this.RegisterOrUpdateReminder(WarmUpReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
        return compacted ? accepted?.Event : null;
    }

    /// <summary>A reminder left behind by a warm-up that failed half-way is removed when it fires.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Appends <paramref name="change"/> as an acknowledgement does (one entry, no snapshot) and reads it back.</summary>
    private async Task<DeliveryAccepted?> AppendAsAcknowledgementAsync(RepositoryChange change)
    {
        var read = await AppendAndReadAsync([JsonSerializer.SerializeToUtf8Bytes(change, StateJson.Options)], snapshot: null);
        return read.Entries is [.., var last] ? JsonSerializer.Deserialize<RepositoryChange>(last, StateJson.Options) as DeliveryAccepted : null;
    }

    /// <summary>
    /// Replaces the journal with an empty state's snapshot, as a repository's compaction does; whether it reads back as
    /// that snapshot alone.
    /// </summary>
    private async Task<bool> CompactAsync()
    {
        var read = await AppendAndReadAsync([], JsonSerializer.SerializeToUtf8Bytes(new RepositoryState(), StateJson.Options));
        return read is { Entries.Count: 0, Snapshot: { } stored } && JsonSerializer.Deserialize<RepositoryState>(stored, StateJson.Options) is { Inbox.Count: 0 };
    }

    /// <summary>Appends at the journal's current version, and reads the journal back.</summary>
    private async Task<JournalRead> AppendAndReadAsync(IReadOnlyList<byte[]> entries, byte[]? snapshot)
    {
        var head = await journal.ReadAsync(Stream, CancellationToken.None);
        await journal.AppendAsync(new JournalAppend(Stream, head.Version, entries, snapshot, Pending: false), CancellationToken.None);
        return await journal.ReadAsync(Stream, CancellationToken.None);
    }
}
