using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.GitHubApiEmulator.Description;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;
using K8sWebhookHandler.GitHubApiEmulator.Http;
using K8sWebhookHandler.GitHubApiEmulator.Http.Endpoints;
using K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;
using K8sWebhookHandler.GitHubApiEmulator.State;
using K8sWebhookHandler.GitHubApiEmulator.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.GitHubApiEmulator;

/// <summary>
/// A strict GitHub REST API on loopback, for tests: every request is checked against GitHub's own OpenAPI description;
/// commit statuses, check runs, Apps, installations and installation tokens behave as on GitHub; with a request log,
/// fault injection (5xx, both rate limits, stalls), and webhooks with GitHub's delivery log and redelivery. Serves both <c>/...</c> (api.github.com) and
/// <c>/api/v3/...</c> (GitHub Enterprise, where Octokit sends any host but api.github.com).
/// </summary>
public sealed class GitHubApiEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GitHubApiEmulatorServer(WebApplication app, ApiDescription description, TimeProvider time)
    {
        _app = app;
        Description = description;
        Webhooks = new WebhookSender(time);
        Hooks = new HookStore(Catalog, Webhooks);
    }

    /// <summary>The API's address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    public ApiDescription Description { get; }

    /// <summary>The served operations; a later endpoint is added here by its operation id.</summary>
    public EndpointTable Endpoints { get; } = new();

    public Catalog Catalog { get; } = new();

    public Credentials Credentials { get; } = new();

    public StatusStore Statuses { get; } = new();

    public CheckRunStore CheckRuns { get; } = new();

    public RequestLog Requests { get; } = new();

    public FaultInjector Faults { get; } = new();

    /// <summary>Signs and posts deliveries as GitHub's webhook sender would.</summary>
    public WebhookSender Webhooks { get; }

    /// <summary>Repository and App webhooks, each with GitHub's log of its deliveries, and the redeliveries asked for.</summary>
    public HookStore Hooks { get; }

    /// <summary>
    /// Starts an emulator on <paramref name="url"/> (port 0 picks a free loopback port). <paramref name="description"/>
    /// defaults to the shared fixture, read anew; tests that start many emulators pass one read once.
    /// <paramref name="apiVersions"/> are the <c>X-GitHub-Api-Version</c> values accepted (default <c>2022-11-28</c>).
    /// </summary>
    public static async Task<GitHubApiEmulatorServer> StartAsync(
        string url = "http://127.0.0.1:0", ApiDescription? description = null, TimeProvider? time = null,
        IReadOnlySet<string>? apiVersions = null, CancellationToken cancellationToken = default)
    {
        description ??= ApiDescription.Load();
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        var server = new GitHubApiEmulatorServer(app, description, time);
        AdminEndpoints.Map(app, server);

        // Everything else is the API, matched after the literal admin routes. The router needs the address, known once
        // started; until then (a moment no test can reach) the API answers 503.
        ApiRouter? router = null;
        app.Map("/{**path}", context => router?.HandleAsync(context) ?? Unavailable(context));
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        router = server.Wire(time, apiVersions ?? new HashSet<string> { ApiRouter.DefaultApiVersion });
        return server;
    }

    /// <summary>Completes when the process is asked to stop (SIGINT, SIGTERM): for the standalone emulator.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Hooks.DisposeAsync();
        Webhooks.Dispose();
    }

    private ApiRouter Wire(TimeProvider time, IReadOnlySet<string> apiVersions)
    {
        var accounts = new AccountShapes(BaseUri.ToString());
        var commits = new CommitShapes(accounts);
        var limits = new RateLimits(Faults);
        new StatusEndpoints(Catalog, Statuses, commits).Register(Endpoints);
        new CheckRunEndpoints(Catalog, CheckRuns, commits).Register(Endpoints);
        new AppEndpoints(Catalog, Credentials, limits, accounts).Register(Endpoints);
        new HookDeliveryEndpoints(Catalog, Hooks).Register(Endpoints);
        return new ApiRouter(Description, Endpoints, new Authenticator(Catalog, Credentials), limits, Requests, Faults, time, apiVersions);
    }

    private static Task Unavailable(Microsoft.AspNetCore.Http.HttpContext context)
    {
        context.Response.StatusCode = 503;
        return Task.CompletedTask;
    }
}
