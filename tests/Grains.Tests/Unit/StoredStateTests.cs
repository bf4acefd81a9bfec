using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Processes;
using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Stored state is plain JSON with a schema version; documents written by earlier versions must still load.</summary>
public sealed class StoredStateTests
{
    /// <summary>A repository document as schema version 1 wrote it. Do not edit: add a new one for a new version.</summary>
    private const string SchemaVersion1 = """
        {"grainId":"repository/octo/hello","etag":"7","state":{"SchemaVersion":1,
         "Inbox":[{"Event":{"Delivery":"d-2","EventType":"push","Action":"","Ref":"refs/heads/main",
           "Revision":"2222222222222222222222222222222222222222","Before":"1111111111111111111111111111111111111111",
           "Created":false,"Deleted":false,"Forced":false,
           "Repository":{"FullName":"Octo/Hello","CloneUrl":"https://github.com/Octo/Hello.git","GitUrl":"git://github.com/Octo/Hello.git",
             "SshUrl":"git@github.com:Octo/Hello.git","DefaultBranch":"main"},
           "ReceivedAt":"2026-11-01T10:00:00+00:00"},
          "Attempts":1,"NotBefore":"2026-11-01T10:00:02+00:00","LastError":"503 ServiceUnavailable"}],
         "Seen":{"d-1":"2026-11-01T09:00:00+00:00","d-2":"2026-11-01T10:00:00+00:00"},
         "History":[{"Delivery":"d-1","EventType":"push","Action":"","Ref":"refs/heads/main",
           "Revision":"1111111111111111111111111111111111111111","ReceivedAt":"2026-11-01T09:00:00+00:00","State":"Applied",
           "Reason":null,"Attempts":1,"Objects":[{"ApiVersion":"argoproj.io/v1alpha1","Kind":"Workflow","Namespace":"ci","Name":"build-abc"}],
           "CompletedAt":"2026-11-01T09:00:01+00:00"}],
         "Refs":{"refs/heads/main":{"Ref":"refs/heads/main","LastRevision":"1111111111111111111111111111111111111111",
           "LastDelivery":"d-1","Objects":[],"UpdatedAt":"2026-11-01T09:00:01+00:00"}}}}
        """;

    /// <summary>
    /// A repository document as schema version 2 writes it: the repository facts carry their canonical key, and ids,
    /// refs and event types are the same strings as in version 1, also as dictionary keys. Do not edit: add a new one
    /// for a new version.
    /// </summary>
    private const string SchemaVersion2State = """
        {"SchemaVersion":2,
         "Inbox":[{"Event":{"Delivery":"d-3","EventType":"delete","Action":"","Ref":"refs/heads/gone","Revision":"","Before":"",
           "Created":false,"Deleted":false,"Forced":false,
           "Repository":{"FullName":"Octo/Hello","CloneUrl":"https://github.com/Octo/Hello.git","GitUrl":"git://github.com/Octo/Hello.git",
             "SshUrl":"git@github.com:Octo/Hello.git","DefaultBranch":"main","Key":"octo/hello"},
           "ReceivedAt":"2026-11-01T11:00:00+00:00","Rerun":0,"IsDeletion":true},
          "Attempts":0,"NotBefore":"2026-11-01T11:00:00+00:00","LastError":null,"QueuedAt":"2026-11-01T11:00:00+00:00","TwinOf":"d-2",
          "Since":"2026-11-01T11:00:00+00:00"}],
         "Seen":{"d-1":"2026-11-01T09:00:00+00:00","d-3":"2026-11-01T11:00:00+00:00"},
         "History":[{"Delivery":"d-1","EventType":"push","Action":"","Ref":"refs/heads/main",
           "Revision":"1111111111111111111111111111111111111111","ReceivedAt":"2026-11-01T09:00:00+00:00","State":"Applied",
           "Reason":null,"Attempts":1,"Objects":[{"ApiVersion":"argoproj.io/v1alpha1","Kind":"Workflow","Namespace":"ci","Name":"build-abc"}],
           "CompletedAt":"2026-11-01T09:00:01+00:00","Stopped":null,"Before":"","Deleted":false,"Rerun":0,"IsFinal":true}],
         "Refs":{"refs/heads/main":{"Ref":"refs/heads/main","LastRevision":"1111111111111111111111111111111111111111",
           "LastDelivery":"d-1","Objects":[],"UpdatedAt":"2026-11-01T09:00:01+00:00"}},
         "Received":{"refs/heads/gone":{"Fingerprint":"delete","Delivery":"d-3","ReceivedAt":"2026-11-01T11:00:00+00:00"}},
         "UnpairedDeletions":{"refs/tags/v1":{"Fingerprint":"push","Delivery":"d-4","ReceivedAt":"2026-11-01T11:00:00+00:00"}},
         "Repository":{"FullName":"Octo/Hello","CloneUrl":"https://github.com/Octo/Hello.git","GitUrl":"git://github.com/Octo/Hello.git",
           "SshUrl":"git@github.com:Octo/Hello.git","DefaultBranch":"main","Key":"octo/hello"}}
        """;

    [Fact]
    public async Task SchemaVersion1Document_LoadsWithEveryField()
    {
        using var directory = new TempDirectory();
        var storage = new FileGrainStorage(directory.Path);
        var grainId = GrainId.Create("repository", "octo/hello");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, $"repository__{Uri.EscapeDataString(grainId.ToString())}.json"), SchemaVersion1);
        var state = new GrainState<RepositoryState>();

        await storage.ReadStateAsync("repository", grainId, state);

        Assert.True(state.RecordExists);
        Assert.Equal("7", state.ETag);
        Assert.Equal(1, state.State!.SchemaVersion);
        var pending = Assert.Single(state.State!.Inbox);
        Assert.Equal(DeliveryId.Parse("d-2"), pending.Event.Delivery);
        Assert.Equal("Octo/Hello", pending.Event.Repository.FullName);
        Assert.Equal(RepositoryKey.Parse("octo/hello"), pending.Event.Repository.Key);
        Assert.Equal((EventKind.Push, GitRef.Branch("main")), (pending.Event.Kind, pending.Event.Ref));
        Assert.Equal(1, pending.Attempts);
        Assert.Equal(["d-1", "d-2"], state.State!.Seen.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
        var record = Assert.Single(state.State!.History);
        Assert.Equal(DeliveryState.Applied, record.State);
        Assert.Equal("build-abc", Assert.Single(record.Objects).Name);
        Assert.Equal("1111111111111111111111111111111111111111", state.State!.Refs[GitRef.Parse("refs/heads/main")].LastRevision);
    }

    [Fact]
    public void SchemaVersion1State_LoadsThroughTheRedisStorageSerializer()
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(SchemaVersion1)!;
        var serializer = new StateJsonGrainStorageSerializer();

        var state = serializer.Deserialize<RepositoryState>(BinaryData.FromString(document["state"]!.ToJsonString()));
        var again = serializer.Deserialize<RepositoryState>(serializer.Serialize(state));

        Assert.Equal("d-2", Assert.Single(again.Inbox).Event.Delivery.Value);
        Assert.Equal(DeliveryState.Applied, Assert.Single(again.History).State);
        Assert.Contains("\"State\":\"Applied\"", serializer.Serialize(state).ToString());
        Assert.DoesNotContain("$type", serializer.Serialize(state).ToString());
    }

    [Fact]
    public void SchemaVersion1State_IsWrittenBackAsVersion2_WithTheKeyItLacked()
    {
        var serializer = new StateJsonGrainStorageSerializer();
        var state = serializer.Deserialize<RepositoryState>(BinaryData.FromString(System.Text.Json.Nodes.JsonNode.Parse(SchemaVersion1)!["state"]!.ToJsonString()));

        var written = System.Text.Json.Nodes.JsonNode.Parse(serializer.Serialize(state).ToString())!;

        Assert.Equal(2, written["SchemaVersion"]!.GetValue<int>());
        Assert.Equal("octo/hello", written["Inbox"]![0]!["Event"]!["Repository"]!["Key"]!.GetValue<string>());
        Assert.Equal("Octo/Hello", written["Inbox"]![0]!["Event"]!["Repository"]!["FullName"]!.GetValue<string>());
    }

    [Fact]
    public void SchemaVersion2State_LoadsTyped_AndIsWrittenBackAsItWas()
    {
        var serializer = new StateJsonGrainStorageSerializer();

        var state = serializer.Deserialize<RepositoryState>(BinaryData.FromString(SchemaVersion2State));
        var written = System.Text.Json.Nodes.JsonNode.Parse(serializer.Serialize(state).ToString());

        Assert.Equal(2, state.SchemaVersion);
        var pending = Assert.Single(state.Inbox);
        Assert.Equal((EventKind.Delete, GitRef.Branch("gone"), DeliveryId.Parse("d-2")), (pending.Event.Kind, pending.Event.Ref, pending.TwinOf));
        Assert.Equal(RepositoryKey.Parse("octo/hello"), state.Repository!.Key);
        Assert.Equal(["d-1", "d-3"], state.Seen.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
        Assert.Equal(GitRef.Branch("main"), state.Refs[GitRef.Branch("main")].Ref);
        Assert.Equal(DeliveryId.Parse("d-3"), state.Received[GitRef.Branch("gone")].Delivery);
        Assert.Equal(DeliveryId.Parse("d-4"), state.UnpairedDeletions[GitRef.Tag("v1")].Delivery);
        Assert.Equal((EventKind.Push, "push"), (Assert.Single(state.History).EventType.Kind, state.History[0].EventType.Name));
        // The outbox and pull requests came after version 2's document was written: they are written empty, and nothing else changes.
        var expected = System.Text.Json.Nodes.JsonNode.Parse(SchemaVersion2State)!.AsObject();
        (expected["Outbox"], expected["Reported"], expected["NextReport"]) = (new System.Text.Json.Nodes.JsonArray(), new System.Text.Json.Nodes.JsonObject(), 1);
        expected["PullRequests"] = new System.Text.Json.Nodes.JsonObject();
        Assert.Empty(state.PullRequests);
        JsonAssert.Equal(expected, written);
    }

    [Fact]
    public async Task Write_ThenRead_RoundTrips_AndAStaleETagIsRefused()
    {
        using var directory = new TempDirectory();
        var storage = new FileGrainStorage(directory.Path);
        var grainId = GrainId.Create("repository", "octo/hello");
        var first = new GrainState<RepositoryState>();
        await storage.ReadStateAsync("repository", grainId, first);
        first.State!.Seen[DeliveryId.Parse("d-1")] = DateTimeOffset.UnixEpoch;
        await storage.WriteStateAsync("repository", grainId, first);
        var stale = new GrainState<RepositoryState> { ETag = null, State = new RepositoryState() };

        var reread = new GrainState<RepositoryState>();
        await storage.ReadStateAsync("repository", grainId, reread);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("repository", grainId, stale));

        Assert.True(reread.State!.Seen.ContainsKey(DeliveryId.Parse("d-1")));
        Assert.Equal(first.ETag, reread.ETag);
        Assert.Empty(Directory.GetFiles(directory.Path, "*.tmp"));
    }

    [Fact]
    public async Task TornRecordAtTheEndOfTheLog_IsIgnored_AndTheLastCompleteStateIsRead()
    {
        using var directory = new TempDirectory();
        var storage = new FileGrainStorage(directory.Path);
        var grainId = GrainId.Create("repository", "octo/torn");
        var state = new GrainState<RepositoryState> { State = new RepositoryState() };
        await storage.ReadStateAsync("repository", grainId, state);
        state.State!.Seen[DeliveryId.Parse("d-1")] = DateTimeOffset.UnixEpoch;
        await storage.WriteStateAsync("repository", grainId, state);
        var log = Directory.GetFiles(directory.Path, "*.log").Single();
        await using (var stream = new FileStream(log, FileMode.Append))
        {
            // A crash in the middle of appending the next record: its header promises more than was written.
            await stream.WriteAsync(new byte[] { 0x4C, 0x48, 0x57, 0x4B, 0xFF, 0x00, 0x00, 0x00, (byte)'{' });
        }

        var reread = new GrainState<RepositoryState>();
        await new FileGrainStorage(directory.Path).ReadStateAsync("repository", grainId, reread);

        Assert.True(reread.State!.Seen.ContainsKey(DeliveryId.Parse("d-1")));
        Assert.Equal(state.ETag, reread.ETag);
    }

    [Fact]
    public async Task ManyWrites_AreCompactedIntoASnapshot_AndReadBackFromIt()
    {
        using var directory = new TempDirectory();
        var storage = new FileGrainStorage(directory.Path);
        var grainId = GrainId.Create("repository", "octo/busy");
        var state = new GrainState<RepositoryState> { State = new RepositoryState() };
        await storage.ReadStateAsync("repository", grainId, state);
        for (var i = 0; i < 150; i++)
        {
            state.State!.Seen[DeliveryId.Parse($"d-{i}")] = DateTimeOffset.UnixEpoch;
            await storage.WriteStateAsync("repository", grainId, state);
        }

        var reread = new GrainState<RepositoryState>();
        await new FileGrainStorage(directory.Path).ReadStateAsync("repository", grainId, reread);
        var recovered = await new FileGrainStorage(directory.Path).ReadAllAsync<RepositoryState>(RepositoryGrain.StateName).ToListAsync();

        Assert.Single(Directory.GetFiles(directory.Path, "*.json"));
        Assert.Equal(150, reread.State!.Seen.Count);
        Assert.Equal("150", reread.ETag);
        Assert.Equal(grainId.ToString(), Assert.Single(recovered).GrainId);
    }
}
