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
    private readonly Recorder _recorder;

    private CredentialCaptureServer(WebApplication app, Recorder recorder, Uri baseUri)
    {
        _app = app;
        _recorder = recorder;
        BaseUri = baseUri;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c></summary>
    public Uri BaseUri { get; }

    /// <summary>Requests answered so far.</summary>
    public int Requests => _recorder.Count;

    /// <summary>The <c>Authorization</c> headers received, in order; requests without one are not listed.</summary>
    public IReadOnlyList<string> Authorizations => _recorder.Authorizations.OfType<string>().ToList();

    /// <summary>Completes once <paramref name="count"/> requests have been answered; fails saying how many came when <paramref name="safetyNet"/> runs out.</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan safetyNet)
    {
        try
        {
            await _recorder.WaitForAsync(count).WaitAsync(safetyNet);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the capture server at {BaseUri} was sent {Requests} request(s), not {count}, within the safety net of {safetyNet}");
        }
    }

    /// <param name="address">The loopback address to listen on, e.g. <c>127.0.0.2</c> for a second host.</param>
    /// <param name="redirectTo">When set, every request is redirected to the same path under this URL.</param>
    public static async Task<CredentialCaptureServer> StartAsync(string address = "127.0.0.1", Uri? redirectTo = null)
    {
        var recorder = new Recorder();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}:0");
        var app = builder.Build();
        app.Run(context =>
        {
            var header = context.Request.Headers.Authorization;
            recorder.Add(header.Count == 0 ? null : header.ToString());
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
        return new CredentialCaptureServer(app, recorder, new Uri(listening.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The requests' Authorization headers, and waiters for a number of requests, re-checked on each one.</summary>
    private sealed class Recorder
    {
        private readonly Lock _gate = new();
        private readonly List<string?> _authorizations = [];
        private readonly List<(int Count, TaskCompletionSource Seen)> _waiters = [];

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _authorizations.Count;
                }
            }
        }

        public IReadOnlyList<string?> Authorizations
        {
            get
            {
                lock (_gate)
                {
                    return _authorizations.ToArray();
                }
            }
        }

        public void Add(string? authorization)
        {
            List<TaskCompletionSource> reached;
            lock (_gate)
            {
                _authorizations.Add(authorization);
                reached = _waiters.Where(w => w.Count <= _authorizations.Count).Select(w => w.Seen).ToList();
                _waiters.RemoveAll(w => reached.Contains(w.Seen));
            }

            reached.ForEach(seen => seen.TrySetResult());
        }

        public Task WaitForAsync(int count)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_authorizations.Count >= count)
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((count, seen));
            }

            return seen.Task;
        }
    }
}
