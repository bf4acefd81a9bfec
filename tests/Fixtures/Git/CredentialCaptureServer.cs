using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Testing.Git;

/// <summary>
/// A loopback HTTP server that asks every request for Basic credentials (<c>401</c>, <c>WWW-Authenticate: Basic
/// realm=x</c>) and records every <c>Authorization</c> header it is sent: where a token would leak to. Or, with a
/// redirect target, answers every request with a <c>302</c> to the same path there.
/// </summary>
public sealed class CredentialCaptureServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string?> _authorizations;

    private CredentialCaptureServer(WebApplication app, ConcurrentQueue<string?> authorizations, Uri baseUri)
    {
        _app = app;
        _authorizations = authorizations;
        BaseUri = baseUri;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c></summary>
    public Uri BaseUri { get; }

    /// <summary>Requests answered so far.</summary>
    public int Requests => _authorizations.Count;

    /// <summary>The <c>Authorization</c> headers received, in order; requests without one are not listed.</summary>
    public IReadOnlyList<string> Authorizations => _authorizations.OfType<string>().ToList();

    /// <param name="address">The loopback address to listen on, e.g. <c>127.0.0.2</c> for a second host.</param>
    /// <param name="redirectTo">When set, every request is redirected to the same path under this URL.</param>
    public static async Task<CredentialCaptureServer> StartAsync(string address = "127.0.0.1", Uri? redirectTo = null)
    {
        var authorizations = new ConcurrentQueue<string?>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}:0");
        var app = builder.Build();
        app.Run(context =>
        {
            var header = context.Request.Headers.Authorization;
            authorizations.Enqueue(header.Count == 0 ? null : header.ToString());
            if (redirectTo is not null)
            {
                context.Response.Redirect(new Uri(redirectTo, context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString).ToString());
                return Task.CompletedTask;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=x";
            return Task.CompletedTask;
        });
        await app.StartAsync();
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CredentialCaptureServer(app, authorizations, new Uri(listening.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
