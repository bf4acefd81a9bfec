using Octokit;
using Octokit.Internal;
using IRequest = Octokit.Internal.IRequest;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// Octokit's HTTP client for one call: Octokit's typed clients take no <see cref="CancellationToken"/>, so the caller's
/// token is carried here, and every request (each page, each retry) gets the <c>Handler:GitHub:RequestTimeout</c>
/// deadline on the injected clock. Cancelling aborts the request, so one given up on cannot land later. The shared
/// inner client is not disposed here.
/// </summary>
public sealed class DeadlineHttpClient(IHttpClient inner, TimeSpan timeout, TimeProvider time, CancellationToken caller) : IHttpClient
{
    public async Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object>? preprocessResponseBody = null)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, caller, deadline.Token);
        return await inner.Send(request, linked.Token, preprocessResponseBody).ConfigureAwait(false);
    }

    /// <summary>Ignored: the deadline is <c>Handler:GitHub:RequestTimeout</c>.</summary>
    public void SetRequestTimeout(TimeSpan timeout)
    {
    }

    public void Dispose()
    {
    }
}
