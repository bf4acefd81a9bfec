using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Cli.Tests;

/// <summary>A request the stub received: what the CLI sent.</summary>
public sealed record StubRequest(string Method, string PathAndQuery, string? Authorization);

/// <summary>A Kestrel stub of the management API on a free loopback port: one fixed answer per path, every request kept.</summary>
public sealed class StubApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<StubRequest> _requests = [];

    private StubApi(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<StubRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <param name="answers">Path (without query) → status code and JSON body.</param>
    public static async Task<StubApi> StartAsync(IReadOnlyDictionary<string, (int Status, string Body)> answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var stub = new StubApi(builder.Build());
        stub._app.Run(context => stub.AnswerAsync(context, answers));
        await stub._app.StartAsync();
        var address = stub._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        stub.Url = new Uri(address);
        return stub;
    }

    private async Task AnswerAsync(HttpContext context, IReadOnlyDictionary<string, (int Status, string Body)> answers)
    {
        var request = context.Request;
        lock (_requests)
        {
            _requests.Add(new(request.Method, request.Path + request.QueryString, request.Headers.Authorization.FirstOrDefault()));
        }

        var (status, body) = answers.TryGetValue(request.Path, out var answer) ? answer : (404, "");
        context.Response.StatusCode = status;
        context.Response.ContentType = status < 400 ? "application/json" : "application/problem+json";
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
