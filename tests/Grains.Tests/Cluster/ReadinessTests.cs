using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Hosting;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A journal that fails every call while it is down, as an unreachable Redis does.</summary>
public sealed class SwitchableJournal(IJournalStore inner) : IJournalStore
{
    private volatile bool _down;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public Task<JournalRead> ReadAsync(string stream, CancellationToken cancellationToken) =>
        Down ? Task.FromException<JournalRead>(Unreachable()) : inner.ReadAsync(stream, cancellationToken);

    public Task AppendAsync(JournalAppend append, CancellationToken cancellationToken) =>
        Down ? Task.FromException(Unreachable()) : inner.AppendAsync(append, cancellationToken);

    private static IOException Unreachable() => new("the storage server is unreachable");
}

/// <summary>A cluster whose journal a test can take down and bring back.</summary>
public sealed class OutageClusterFixture() : ClusterFixture(new DeliveryOptions())
{
    public SwitchableJournal Storage { get; private set; } = null!;

    protected override IJournalStore CreateJournal(IServiceProvider services, string directory) =>
        Storage = new SwitchableJournal(base.CreateJournal(services, directory));
}

/// <summary><c>/readyz</c> while grain storage or the API server is down: not ready with the reason, and ready again after.</summary>
public sealed class ReadinessTests(OutageClusterFixture fixture) : IClassFixture<OutageClusterFixture>, IDisposable
{
    private readonly TempDirectory _data = new("readiness");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task GrainStorageDown_IsNotReadyWithTheReason_AndReadyAgainOnceItIsBack()
    {
        await using var probe = await ProbeHost.StartAsync(fixture.Grains, _data.Path, kubernetes: null);

        var before = await probe.ReadinessAsync();
        fixture.Storage.Down = true;
        (HttpStatusCode Status, JsonNode Report) during;
        try
        {
            during = await probe.ReadinessAsync();
        }
        finally
        {
            fixture.Storage.Down = false;
        }

        var after = await probe.ReadinessAsync();

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (before.Status, State(before.Report, "grain-storage")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.Status);
        Assert.Equal("Unhealthy", State(during.Report, "grain-storage"));
        Assert.Equal("grain storage is not usable: the storage server is unreachable", Reason(during.Report, "grain-storage"));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (after.Status, State(after.Report, "grain-storage")));
    }

    [Fact]
    public async Task ApiServerDown_IsNotReadyWithTheReason_AndReadyAgainOnceItIsBack()
    {
        var port = Loopback.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var kubeconfig = _data.Combine("kubeconfig");
        await using (var first = await KubeApiEmulatorServer.StartAsync(url))
        {
            first.WriteKubeconfig(kubeconfig);
        }

        await using var probe = await ProbeHost.StartAsync(fixture.Grains, _data.Path, kubeconfig);
        var down = await probe.ReadinessAsync();
        await using var emulator = await KubeApiEmulatorServer.StartAsync(url);
        var back = await probe.ReadyAsync();
        emulator.Faults.FailNext(1, 503, r => r.Path == "/version");
        var failing = await probe.ReadinessAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(("Unhealthy", $"the Kubernetes API at {url}/ could not be reached: Connection refused (127.0.0.1:{port})"), (State(down.Report, "kubernetes"), Reason(down.Report, "kubernetes")));
        Assert.Equal("Healthy", State(down.Report, "grain-storage"));
        Assert.Equal("Healthy", State(back, "kubernetes"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.Status);
        Assert.Equal($"the Kubernetes API at {url}/ answered GET /version with 503 ServiceUnavailable: the server is currently unable to handle the request", Reason(failing.Report, "kubernetes"));
    }

    private static string State(JsonNode report, string check) => report["checks"]![check]!["status"]!.GetValue<string>();

    private static string? Reason(JsonNode report, string check) => report["checks"]![check]!["description"]?.GetValue<string>();

    /// <summary>The readiness endpoint as the handler maps it, over the test's cluster and, if given, a kubeconfig.</summary>
    private sealed class ProbeHost(WebApplication app, HttpClient client) : IAsyncDisposable
    {
        public static async Task<ProbeHost> StartAsync(IGrainFactory grains, string dataDirectory, string? kubernetes)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton(grains).AddSingleton(Options.Create(new DataDirectoryOptions { DataDirectory = dataDirectory }));
            var checks = builder.Services.AddHealthChecks().AddCheck<GrainStorageHealthCheck>("grain-storage");
            if (kubernetes is not null)
            {
                var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("KUBECONFIG", kubernetes)]).Build();
                builder.Services.AddSingleton(new KubernetesTarget(Options.Create(new KubernetesOptions()), configuration, Unit.MetricsRecorder.Unobserved(), NullLogger<KubernetesTarget>.Instance));
                checks.AddCheck<KubernetesHealthCheck>("kubernetes");
            }

            var app = builder.Build();
            app.MapHealthEndpoints();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ProbeHost(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) });
        }

        public async Task<(HttpStatusCode Status, JsonNode Report)> ReadinessAsync()
        {
            using var response = await client.GetAsync("/readyz");
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        /// <summary>The report once it is ready: asked again until then (a probe is polled), with a safety deadline.</summary>
        public async Task<JsonNode> ReadyAsync()
        {
            using var deadline = new CancellationTokenSource(ClusterFixture.Wait);
            while (true)
            {
                var (status, report) = await ReadinessAsync();
                if (status == HttpStatusCode.OK)
                {
                    return report;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.DisposeAsync();
        }
    }
}
