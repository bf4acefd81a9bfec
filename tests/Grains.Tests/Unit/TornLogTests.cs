using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// A crash in the middle of an append leaves a torn record at the end of a grain's log. Every write acknowledged
/// after that must still be read back by a fresh storage over the same files, as a restarted process reads them.
/// </summary>
public sealed class TornLogTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("repository", "octo/torn");
    private readonly TempDirectory _directory = new("torn-log");

    /// <summary>What a crash can leave behind the last complete record, by name.</summary>
    public static TheoryData<string> Tears => ["partial header", "record cut short", "header promising more than follows"];

    public void Dispose() => _directory.Dispose();

    [Theory]
    [MemberData(nameof(Tears))]
    public async Task TornTail_ThenAcknowledgedWrites_AreAllReadBackAfterARestart(string tear)
    {
        var acknowledged = await WriteAsync(new FileGrainStorage(_directory.Path), ["d-1"]);
        await TearAsync(tear);

        // A restart: a new storage over the same files reads the state, then writes are acknowledged.
        var restarted = new FileGrainStorage(_directory.Path);
        var written = await WriteAsync(restarted, ["d-2", "d-3"]);

        var reread = await ReadAsync(new FileGrainStorage(_directory.Path));
        Assert.Equal("1", acknowledged.ETag);
        Assert.Equal("3", written.ETag);
        Assert.Equal(written.ETag, reread.ETag);
        Assert.Equal(["d-1", "d-2", "d-3"], reread.State!.Seen.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
        // The tear was cut off before the first append: the log is byte for byte one written without a crash.
        Assert.Equal(await CleanLogAsync(["d-1"], ["d-2", "d-3"]), await File.ReadAllBytesAsync(LogPath));
    }

    [Fact]
    public async Task TornTail_ThenWritesPastCompaction_EveryAcknowledgedWriteIsReadBack()
    {
        await WriteAsync(new FileGrainStorage(_directory.Path), ["d-0"]);
        await TearAsync("record cut short");
        var storage = new FileGrainStorage(_directory.Path);
        var state = await ReadAsync(storage);

        // Past the 64 records after which the log is compacted into a snapshot; each write read back by a fresh storage.
        for (var i = 1; i <= 80; i++)
        {
            state.State!.Seen[DeliveryId.Parse($"d-{i}")] = DateTimeOffset.UnixEpoch;
            await storage.WriteStateAsync("repository", Grain, state);

            var reread = await ReadAsync(new FileGrainStorage(_directory.Path));
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), reread.ETag);
            Assert.Equal(i + 1, reread.State!.Seen.Count);
        }

        Assert.Single(Directory.GetFiles(_directory.Path, "*.json"));
    }

    [Fact]
    public async Task WhatAFailedAppendLeft_IsCutOffByTheNextWriteOfTheSameStorage()
    {
        var storage = new FileGrainStorage(_directory.Path);
        var state = await WriteAsync(storage, ["d-1"]);
        await TearAsync("record cut short");

        state.State!.Seen[DeliveryId.Parse("d-2")] = DateTimeOffset.UnixEpoch;
        await storage.WriteStateAsync("repository", Grain, state);

        var reread = await ReadAsync(new FileGrainStorage(_directory.Path));
        Assert.Equal("2", reread.ETag);
        Assert.Equal(["d-1", "d-2"], reread.State!.Seen.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
        Assert.Equal(await CleanLogAsync(["d-1", "d-2"]), await File.ReadAllBytesAsync(LogPath));
    }

    [Theory]
    [InlineData("checksum")]
    [InlineData("length")]
    [InlineData("marker")]
    public async Task DamagedRecordInTheMiddle_IsSkipped_AndTheNewestIntactStateIsRead(string damaged)
    {
        await WriteAsync(new FileGrainStorage(_directory.Path), ["d-1", "d-2", "d-3"]);
        var bytes = await File.ReadAllBytesAsync(LogPath);
        var second = bytes.AsSpan(1).IndexOf(bytes.AsSpan(0, 4)) + 1;
        switch (damaged)
        {
            case "checksum":
                // "d-2" first appears in the second record; "e-2" keeps its JSON valid, so only the checksum can tell.
                bytes[bytes.AsSpan().IndexOf("d-2"u8)]++;
                break;
            case "length":
                BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, second + 4);
                break;
            default:
                bytes[second]++;
                break;
        }

        await File.WriteAllBytesAsync(LogPath, bytes);
        var reread = await ReadAsync(new FileGrainStorage(_directory.Path));

        Assert.Equal("3", reread.ETag);
        Assert.Equal(["d-1", "d-2", "d-3"], reread.State!.Seen.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DamagedLastRecord_IsTreatedAsTorn_AndTheNextWriteTakesItsPlace()
    {
        await WriteAsync(new FileGrainStorage(_directory.Path), ["d-1", "d-2", "d-3"]);
        // "d-3" is only in the last record; "e-3" keeps its JSON valid, so only the checksum can tell.
        var bytes = await File.ReadAllBytesAsync(LogPath);
        bytes[bytes.AsSpan().IndexOf("d-3"u8)]++;
        await File.WriteAllBytesAsync(LogPath, bytes);

        var (afterDamageETag, reread) = await RestartWriteAndReadBackAsync("d-4");

        Assert.Equal("2", afterDamageETag);
        Assert.Equal("3", reread.ETag);
        Assert.Equal(["d-1", "d-2", "d-4"], reread.State!.Seen.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
    }

    /// <summary>What the version before the checksum left after a torn tail: acknowledged records behind the tear.</summary>
    [Fact]
    public async Task Version1LogWithAcknowledgedRecordsBehindATear_IsReadToItsNewestRecord_AndWrittenAfterIt()
    {
        byte[] torn = [0x4C, 0x48, 0x57, 0x4B, 0x40, 0x00, 0x00, 0x00, .. "{\"grainId\":\"repos"u8];
        await File.WriteAllBytesAsync(LogPath, [.. Version1Record("1", "d-1"), .. torn, .. Version1Record("2", "d-1", "d-2")]);

        var (readETag, reread) = await RestartWriteAndReadBackAsync("d-3");

        Assert.Equal("2", readETag);
        Assert.Equal("3", reread.ETag);
        Assert.Equal(["d-1", "d-2", "d-3"], reread.State!.Seen.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
    }

    /// <summary>A restart: a fresh storage reads the state and writes it with one id more; another fresh storage reads it back.</summary>
    private async Task<(string? ReadETag, GrainState<RepositoryState> Reread)> RestartWriteAndReadBackAsync(string delivery)
    {
        var restarted = new FileGrainStorage(_directory.Path);
        var state = await ReadAsync(restarted);
        var readETag = state.ETag;
        state.State!.Seen[DeliveryId.Parse(delivery)] = DateTimeOffset.UnixEpoch;
        await restarted.WriteStateAsync("repository", Grain, state);
        return (readETag, await ReadAsync(new FileGrainStorage(_directory.Path)));
    }

    private string LogPath => Path.Combine(_directory.Path, $"repository__{Uri.EscapeDataString(Grain.ToString())}.log");

    /// <summary>The log the same writes leave when nothing is torn, one storage (one process) per batch.</summary>
    private async Task<byte[]> CleanLogAsync(params string[][] batches)
    {
        var clean = Directory.CreateDirectory(_directory.Combine("clean")).FullName;
        foreach (var batch in batches)
        {
            await WriteAsync(new FileGrainStorage(clean), batch);
        }

        return await File.ReadAllBytesAsync(Path.Combine(clean, Path.GetFileName(LogPath)));
    }

    /// <summary>Reads the grain's state, then writes it once per delivery id, each write adding one id.</summary>
    private static async Task<GrainState<RepositoryState>> WriteAsync(FileGrainStorage storage, string[] deliveries)
    {
        var state = await ReadAsync(storage);
        foreach (var delivery in deliveries)
        {
            state.State!.Seen[DeliveryId.Parse(delivery)] = DateTimeOffset.UnixEpoch;
            await storage.WriteStateAsync("repository", Grain, state);
        }

        return state;
    }

    private static async Task<GrainState<RepositoryState>> ReadAsync(FileGrainStorage storage)
    {
        var state = new GrainState<RepositoryState> { State = new RepositoryState() };
        await storage.ReadStateAsync("repository", Grain, state);
        return state;
    }

    /// <summary>
    /// Appends what a crash mid-append leaves: the start of the record the next write would have appended (taken
    /// from a copy of the log, so the bytes are the storage's own), or a header whose length runs past anything
    /// that will ever follow it.
    /// </summary>
    private async Task TearAsync(string tear)
    {
        var log = LogPath;
        var before = await File.ReadAllBytesAsync(log);
        var scratch = Directory.CreateDirectory(_directory.Combine("scratch")).FullName;
        var copy = Path.Combine(scratch, Path.GetFileName(log));
        File.Copy(log, copy);
        await WriteAsync(new FileGrainStorage(scratch), ["never-acknowledged"]);
        var next = (await File.ReadAllBytesAsync(copy))[before.Length..];
        Directory.Delete(scratch, recursive: true);

        byte[] torn = tear switch
        {
            "partial header" => next[..5],
            "record cut short" => next[..^10],
            "header promising more than follows" => [.. next[..4], 0x00, 0x00, 0x01, 0x00, .. next[8..20]],
            _ => throw new ArgumentOutOfRangeException(nameof(tear), tear, "not a tear this test knows"),
        };
        await using var stream = new FileStream(log, FileMode.Append);
        await stream.WriteAsync(torn);
    }

    /// <summary>A record as the version before the checksum wrote it: marker "LHWK", length, document.</summary>
    private static byte[] Version1Record(string etag, params string[] seen)
    {
        var entries = string.Join(",", seen.Select(d => $"\"{d}\":\"1970-01-01T00:00:00+00:00\""));
        var document = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"grainId\":\"{Grain}\",\"etag\":\"{etag}\",\"state\":{{\"SchemaVersion\":1,\"Seen\":{{{entries}}}}}}}");
        var length = BitConverter.GetBytes(document.Length);
        return [0x4C, 0x48, 0x57, 0x4B, .. length, .. document];
    }
}
