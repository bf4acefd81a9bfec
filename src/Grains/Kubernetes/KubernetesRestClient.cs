using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Telemetry;
using k8s;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Plain REST over KubernetesClient's configured transport (TLS, credentials, in-cluster or kubeconfig), so
/// that any kind in any group, the core group included, is reached the same way and every call can name a
/// field manager, which the library's generic client cannot.
/// </summary>
public sealed class KubernetesRestClient : IDisposable
{
    private readonly k8s.Kubernetes _kubernetes;
    private readonly TimeSpan _requestTimeout;
    private readonly HandlerMetrics _metrics;

    /// <param name="requestTimeout">How long one request may take before it counts as a (transient) timeout.</param>
    /// <param name="metrics">Counts every request by verb and answer.</param>
    public KubernetesRestClient(KubernetesClientConfiguration configuration, TimeSpan requestTimeout, HandlerMetrics metrics)
    {
        _kubernetes = new k8s.Kubernetes(configuration);
        _requestTimeout = requestTimeout;
        _metrics = metrics;
    }

    public Uri BaseUri => _kubernetes.BaseUri;

    public Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    /// <summary>
    /// Server-side applies <paramref name="body"/> as the object <paramref name="name"/> of <paramref name="resource"/> in
    /// <paramref name="ns"/>, under <paramref name="fieldManager"/>, forced: fields another manager took are taken back.
    /// </summary>
    public Task<JsonNode> ApplyAsync(ResourceKind resource, string? ns, string name, JsonNode body, string fieldManager, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, resource.ObjectPath(ns, name) + $"?fieldManager={Uri.EscapeDataString(fieldManager)}&force=true", body, "application/apply-patch+yaml", cancellationToken);

    /// <summary>
    /// Sends a request; a non-success answer throws <see cref="KubernetesApiException"/>, a lost connection, a timeout or
    /// a success answer that is not JSON <see cref="TransientException"/>.
    /// </summary>
    public async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, string? contentType, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body, contentType);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_requestTimeout);
        using var response = await TransportAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token, cancellationToken);
        return AnswerOf(method, path, response.StatusCode, await response.Content.ReadAsStringAsync(deadline.Token));
    }

    /// <summary>
    /// Starts a GET whose body is a stream (a watch): returns once the headers have arrived, within the request timeout,
    /// and the caller reads the body with a deadline of its own and disposes the answer. A non-success answer throws
    /// <see cref="KubernetesApiException"/>; a lost connection or a timeout <see cref="TransientException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null, null);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_requestTimeout);
        var response = await TransportAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw KubernetesApiException.From(response.StatusCode, await ReadFailureAsync(response, path, deadline.Token, cancellationToken));
        }
    }

    private async Task<HttpResponseMessage> TransportAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken deadline,
        CancellationToken cancellationToken)
    {
        using var activity = KubernetesCallActivity.Start(request.Method, request.RequestUri?.PathAndQuery ?? "");
        try
        {
            if (_kubernetes.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, deadline);
            }

            var response = await _kubernetes.HttpClient.SendAsync(request, completion, deadline);
            _metrics.KubernetesRequest(request.Method, (int)response.StatusCode);
            KubernetesCallActivity.Answered(activity, response.StatusCode);
            return response;
        }
        catch (HttpRequestException e)
        {
            _metrics.KubernetesRequest(request.Method, null);
            activity.Failed(e.Message, e);
            throw new TransientException($"the Kubernetes API at {BaseUri} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            _metrics.KubernetesRequest(request.Method, null);
            activity.Failed("timed out", e);
            throw new TransientException($"the Kubernetes API at {BaseUri} did not answer {request.Method} {request.RequestUri?.AbsolutePath} in time", e);
        }
    }

    private async Task<string> ReadFailureAsync(HttpResponseMessage response, string path, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(deadline);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TransientException($"the Kubernetes API at {BaseUri} answered GET {path} with {(int)response.StatusCode} and then lost the connection", e);
        }
    }

    public void Dispose() => _kubernetes.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string path, JsonNode? body, string? contentType)
    {
        // The base may carry a path of its own (a proxy's /k8s/clusters/x): append, do not resolve.
        var request = new HttpRequestMessage(method, new Uri(BaseUri.ToString().TrimEnd('/') + path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        return request;
    }

    private JsonNode AnswerOf(HttpMethod method, string path, HttpStatusCode status, string text)
    {
        if ((int)status is < 200 or > 299)
        {
            throw KubernetesApiException.From(status, text);
        }

        try
        {
            return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (System.Text.Json.JsonException e)
        {
            // A proxy's page (a sign-in form, say) with a success status: not the API server, so tried again later.
            throw new TransientException(
                $"the Kubernetes API at {BaseUri} answered {method} {path} with {(int)status} and a body that is not JSON: {KubernetesApiException.Excerpt(text)}", e);
        }
    }
}
