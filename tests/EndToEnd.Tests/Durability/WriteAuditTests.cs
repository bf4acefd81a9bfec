using System.Net.Http.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator;

namespace K8sWebhookHandler.EndToEnd.Tests.Durability;

/// <summary>The durability runs' write audit can fail: work done twice shows in it, and only a kill excuses it.</summary>
public sealed class WriteAuditTests : IAsyncLifetime
{
    private const string Workflows = "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows";
    private KubeApiEmulatorServer _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await KubeApiEmulatorServer.StartAsync();
        _http = new HttpClient { BaseAddress = _emulator.BaseUri };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task CreatesOfOneDelivery_AreCountedPerDelivery_AndARepeatIsExcusedOnlyByAKill()
    {
        await CreateAsync("d-1", "build-1");
        await CreateAsync("d-1", "build-1"); // 409, no kill since the create
        await CreateAsync("d-2", "build-2");
        await CreateAsync("d-3", "build-3");
        var kill = new KillMark("handler", _emulator.Requests.Snapshot().Count);
        await CreateAsync("d-2", "build-2"); // 409, after a kill
        await CreateAsync("d-3", "build-3-again"); // after a kill, but a second object for one delivery

        var audit = await AuditAsync(["d-1", "d-2", "d-3", "d-4"], [kill]);

        Assert.Equal((2, 1, 1), (audit.WrittenOnce, audit.WrittenMoreThanOnce, audit.NeverWritten));
        Assert.StartsWith("d-2: ", Assert.Single(audit.Repeats));
        Assert.Equal(["d-1", "d-3"], audit.UnexplainedRepeats.Select(r => r[..3]));
        Assert.EndsWith("with no kill between them", audit.UnexplainedRepeats[0]);
        Assert.EndsWith("not answered 409 AlreadyExists", audit.UnexplainedRepeats[1]);
    }

    [Fact]
    public async Task ReadsThatFindACreatedObject_AreRechecks_ExcusedOnlyByAKill()
    {
        await CreateAsync("d-1", "build-1");
        await CreateAsync("d-2", "build-2");
        await _http.GetAsync($"{Workflows}/build-1");
        var kill = new KillMark("handler", _emulator.Requests.Snapshot().Count);
        await _http.GetAsync($"{Workflows}/build-2");

        var audit = await AuditAsync(["d-1", "d-2"], [kill]);

        Assert.StartsWith("d-2: ", Assert.Single(audit.Rechecks));
        Assert.StartsWith("d-1: ", Assert.Single(audit.UnexplainedRechecks));
    }

    private async Task CreateAsync(string delivery, string name)
    {
        var workflow = new JsonObject
        {
            ["apiVersion"] = "argoproj.io/v1alpha1",
            ["kind"] = "Workflow",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["k8s-webhook-handler.io/delivery"] = delivery } },
            ["spec"] = new JsonObject { ["entrypoint"] = "main" },
        };
        using var response = await _http.PostAsJsonAsync(Workflows, workflow);
    }

    /// <summary>Audits once the emulator has recorded its answer to every request (it records just after answering).</summary>
    private async Task<WriteAudit> AuditAsync(string[] deliveries, KillMark[] kills)
    {
        var requests = _emulator.Requests.Snapshot();
        await Task.WhenAll(requests.Select(r => r.Completed));
        return WriteAudit.Of(requests, deliveries, kills);
    }
}
