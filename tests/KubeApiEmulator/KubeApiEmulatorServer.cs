using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
using K8sWebhookHandler.KubeApiEmulator.Http;
using K8sWebhookHandler.KubeApiEmulator.Resources;
using K8sWebhookHandler.KubeApiEmulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.KubeApiEmulator;

/// <summary>
/// A strict Kubernetes API server on loopback, for tests: discovery, the CRUD verbs, three patch types,
/// watch, selectors and the server's validation, with a request log and fault injection. Namespaces
/// <c>default</c> and <c>ci</c> exist at start.
/// </summary>
public sealed class KubeApiEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WatchStreamer _watches;

    private KubeApiEmulatorServer(WebApplication app, WatchStreamer watches, Uri baseUri, ResourceCatalog catalog, ObjectStore store,
        RequestLog requests, FaultInjector faults)
    {
        _app = app;
        _watches = watches;
        BaseUri = baseUri;
        Catalog = catalog;
        Store = store;
        Requests = requests;
        Faults = faults;
    }

    public Uri BaseUri { get; }

    /// <summary>The kinds served; <see cref="ResourceCatalog.Register"/> adds more.</summary>
    public ResourceCatalog Catalog { get; }

    public ObjectStore Store { get; }

    public RequestLog Requests { get; }

    public FaultInjector Faults { get; }

    /// <summary>
    /// Starts an emulator on <paramref name="url"/>; port 0 picks a free loopback port. Watches can resume
    /// from the last <paramref name="historyCapacity"/> changes; older versions get 410 Expired.
    /// </summary>
    public static async Task<KubeApiEmulatorServer> StartAsync(
        string url = "http://127.0.0.1:0", TimeProvider? time = null, int historyCapacity = 50_000,
        CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var catalog = new ResourceCatalog();
        var store = new ObjectStore(historyCapacity);
        var requests = new RequestLog();
        var faults = new FaultInjector();
        var handler = new ResourceHandler(store, catalog, time);
        var watches = new WatchStreamer(store, time);
        var router = new ApiRouter(catalog, handler, watches, new Discovery(catalog), new OpenApi(catalog), requests, faults, time);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        AdminEndpoints.Map(app, requests, faults);

        // Everything else is the API. As an endpoint of its own (not a terminal middleware, which would run before
        // the endpoints and answer the admin paths 404 too) it is matched last: literal routes take precedence.
        app.Map("/{**path}", router.HandleAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new KubeApiEmulatorServer(app, watches, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), catalog, store, requests, faults);
        foreach (var ns in new[] { "default", "ci" })
        {
            server.CreateNamespace(ns);
        }

        return server;
    }

    /// <summary>Resets the connection of every open watch (see <see cref="WatchStreamer.DropAll"/>); returns how many were open.</summary>
    public int DropWatches() => _watches.DropAll();

    /// <summary>Creates a namespace directly, as a test's precondition.</summary>
    public void CreateNamespace(string name) =>
        new ResourceHandler(Store, Catalog, TimeProvider.System).Create(
            Catalog.Namespaces,
            null,
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } },
            new RequestOptions(false, "emulator", true, false));

    /// <summary>A copy of a stored object, or null.</summary>
    public JsonObject? Find(string group, string plural, string? ns, string name)
    {
        lock (Store.Gate)
        {
            return Store.Get(new ObjectKey(group, plural, ns ?? "", name))?.DeepClone() as JsonObject;
        }
    }

    /// <summary>Copies of every stored object of a kind, optionally in one namespace.</summary>
    public IReadOnlyList<JsonObject> FindAll(string group, string plural, string? ns = null)
    {
        lock (Store.Gate)
        {
            var type = Catalog.All.FirstOrDefault(t => t.Group == group && t.Plural == plural)
                ?? throw new ArgumentException($"{plural}.{group} is not served", nameof(plural));
            return Store.List(type, ns).Select(o => (JsonObject)o.Value.DeepClone()).ToArray();
        }
    }

    /// <summary>Writes a kubeconfig whose current context points at this emulator; returns its path.</summary>
    public string WriteKubeconfig(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: emulator
              cluster:
                server: {{BaseUri.ToString().TrimEnd('/')}}
            contexts:
            - name: emulator
              context:
                cluster: emulator
                user: emulator
                namespace: default
            current-context: emulator
            users:
            - name: emulator
              user:
                # The emulator does no authentication; KubernetesClient refuses a user without credentials.
                token: emulator

            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
