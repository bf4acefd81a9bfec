using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
using K8sWebhookHandler.KubeApiEmulator.Resources;
using K8sWebhookHandler.KubeApiEmulator.Selection;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>Maps API paths to discovery documents and resource verbs; records requests and injects faults.</summary>
public sealed class ApiRouter(
    ResourceCatalog catalog,
    ResourceHandler handler,
    WatchStreamer watches,
    Discovery discovery,
    OpenApi openApi,
    RequestLog log,
    FaultInjector faults,
    TimeProvider time)
{
    /// <summary>Where a resource path points: a collection when <see cref="Name"/> is null.</summary>
    private sealed record Target(ResourceType Type, string? Namespace, string? Name);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var recorded = new RecordedRequest(
            request.Method, request.Path.Value ?? "/", request.QueryString.Value?.TrimStart('?') ?? "",
            request.ContentType, body, request.Headers.UserAgent.ToString());
        log.Add(recorded);
        try
        {
            if (faults.Take(recorded) is { } fault)
            {
                if (fault.Stall is { } stall)
                {
                    // The request is still carried out after the stall, as a slow server would: the client has
                    // timed out by then, but the change happened. That is the case idempotent retries must survive.
                    await Task.Delay(stall, time);
                }

                if (fault.Until is { } until)
                {
                    await until;
                }

                if (fault is { StatusCode: { } raw, Body: { } answer })
                {
                    await WriteRawAsync(context, raw, answer.Text, answer.ContentType);
                    return;
                }

                if (fault.StatusCode is { } code)
                {
                    if (fault.RetryAfter is { } retryAfter)
                    {
                        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    }

                    throw Injected(code);
                }
            }

            await RouteAsync(context, body);
        }
        catch (KubeStatusException e)
        {
            await TryWriteFailureAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (a stall outlasted its timeout, a watch was closed): nothing left to answer.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An emulator bug must show as the server error it is, with the cause, not as a hung request.
            await TryWriteFailureAsync(context, new KubeStatusException(500, "InternalError", $"Internal error occurred: {e}"));
        }
        finally
        {
            recorded.Complete(context.Response.StatusCode);
        }
    }

    private static async Task TryWriteFailureAsync(HttpContext context, KubeStatusException failure)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await WriteAsync(context, failure.Code, failure.ToStatus());
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while the answer was being written.
        }
    }

    private async Task RouteAsync(HttpContext context, string body)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var get = HttpMethods.IsGet(context.Request.Method);
        switch (segments)
        {
            case ["version"] when get:
                await WriteAsync(context, 200, Discovery.Version());
                return;
            case ["api"] when get:
                await WriteAsync(context, 200, Discovery.CoreVersions($"{context.Request.Host}"));
                return;
            case ["apis"] when get:
                await WriteAsync(context, 200, discovery.Groups());
                return;
            case ["apis", var group] when get:
                await WriteAsync(context, 200, discovery.Group(group) ?? throw KubeStatusException.NoSuchPath());
                return;
            case ["api", var version] when get:
                await WriteAsync(context, 200, discovery.Resources("", version) ?? throw KubeStatusException.NoSuchPath());
                return;
            case ["apis", var group, var version] when get:
                await WriteAsync(context, 200, discovery.Resources(group, version) ?? throw KubeStatusException.NoSuchPath());
                return;
            case ["openapi", "v3"] when get:
                await WriteAsync(context, 200, openApi.Root());
                return;
            case ["openapi", "v3", .. var gv] when get:
                await WriteAsync(context, 200, openApi.Document(string.Join('/', gv)) ?? throw KubeStatusException.NoSuchPath());
                return;
            case ["api", var version, .. var rest]:
                await ServeAsync(context, Resolve("", version, rest), body);
                return;
            case ["apis", var group, var version, .. var rest]:
                await ServeAsync(context, Resolve(group, version, rest), body);
                return;
            default:
                throw KubeStatusException.NoSuchPath();
        }
    }

    private Target Resolve(string group, string version, string[] rest)
    {
        ResourceType Find(string plural) => catalog.Find(group, version, plural) ?? throw KubeStatusException.NoSuchPath();
        switch (rest)
        {
            case ["namespaces", var ns, var plural] when !IsNamespaceSubresource(plural):
                return Namespaced(Find(plural), ns, null);
            case ["namespaces", var ns, var plural, var name]:
                return Namespaced(Find(plural), ns, name);
            case [var plural]:
                return new(Find(plural), null, null);
            case [var plural, var name]:
                var type = Find(plural);
                return type.Namespaced ? throw KubeStatusException.NoSuchPath() : new(type, null, name);
            default:
                // Subresources (status, scale, log, ...) are not emulated.
                throw KubeStatusException.NoSuchPath();
        }
    }

    private static bool IsNamespaceSubresource(string segment) => segment is "status" or "finalize";

    private static Target Namespaced(ResourceType type, string ns, string? name) =>
        type.Namespaced ? new(type, ns, name) : throw KubeStatusException.NoSuchPath();

    private async Task ServeAsync(HttpContext context, Target target, string body)
    {
        var request = context.Request;
        var query = request.Query;
        var method = request.Method;
        var (type, ns, name) = target;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        if (name is null)
        {
            if (HttpMethods.IsGet(method) && query["watch"].ToString() is "true" or "1")
            {
                await watches.StreamAsync(context, type, ns, labels, fields);
                return;
            }

            if (HttpMethods.IsGet(method))
            {
                var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? l : 0;
                var list = handler.List(type, ns, labels, fields, limit, query["continue"]);
                await WriteAsync(context, 200, TableWriter.Wanted(request.Headers.Accept) ? TableWriter.FromList(list, time.GetUtcNow()) : list);
                return;
            }

            if (HttpMethods.IsPost(method) && (ns is not null || !type.Namespaced))
            {
                var created = handler.Create(type, ns, ObjectShape.ParseObject(body, request.ContentType), RequestOptions.From(request));
                await WriteAsync(context, 201, created);
                return;
            }

            if (HttpMethods.IsDelete(method) && type.Verbs.Contains("deletecollection"))
            {
                await WriteAsync(context, 200, handler.DeleteCollection(type, ns, labels, fields, RequestOptions.From(request)));
                return;
            }

            throw KubeStatusException.MethodNotAllowed(method);
        }

        if (HttpMethods.IsGet(method))
        {
            var obj = handler.Get(type, ns, name);
            await WriteAsync(context, 200, TableWriter.Wanted(request.Headers.Accept) ? TableWriter.FromObject(obj, time.GetUtcNow()) : obj);
        }
        else if (HttpMethods.IsPut(method))
        {
            await WriteAsync(context, 200, handler.Update(type, ns, name, ObjectShape.ParseObject(body, request.ContentType), RequestOptions.From(request)));
        }
        else if (HttpMethods.IsPatch(method))
        {
            var (obj, created) = handler.Patch(type, ns, name, request.ContentType, body, RequestOptions.From(request));
            await WriteAsync(context, created ? 201 : 200, obj);
        }
        else if (HttpMethods.IsDelete(method))
        {
            var options = body.Length == 0 ? null : ObjectShape.ParseObject(body, request.ContentType);
            await WriteAsync(context, 200, handler.Delete(type, ns, name, options, RequestOptions.From(request)));
        }
        else
        {
            throw KubeStatusException.MethodNotAllowed(method);
        }
    }

    private static KubeStatusException Injected(int code) => code switch
    {
        429 => new(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later", new JsonObject { ["retryAfterSeconds"] = 1 }),
        409 => new(409, "Conflict", "Operation cannot be fulfilled: injected conflict"),
        403 => new(403, "Forbidden", "injected fault: forbidden"),
        404 => new(404, "NotFound", "injected fault: not found"),
        503 => new(503, "ServiceUnavailable", "the server is currently unable to handle the request"),
        500 => new(500, "InternalError", "Internal error occurred: injected fault"),
        504 => new(504, "Timeout", "the server was unable to return a response in the time allotted"),
        _ => new(code, "Unknown", $"injected fault with status {code}"),
    };

    private static async Task WriteRawAsync(HttpContext context, int status, string body, string? contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
