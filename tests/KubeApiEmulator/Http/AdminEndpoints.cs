using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>One recorded request as <c>GET /_emulator/requests</c> lists it.</summary>
public sealed record RequestView(string Method, string Path, string Query, string? ContentType, string Body, string? UserAgent, int StatusCode)
{
    public static RequestView Of(RecordedRequest r) => new(r.Method, r.Path, r.Query, r.ContentType, r.Body, r.UserAgent, r.StatusCode);
}

/// <summary>
/// <c>/_emulator/*</c>: the request log and fault injection over HTTP, for an emulator run as its own
/// process. No Kubernetes path starts with an underscore, so these never shadow the API, and they are not
/// themselves recorded in the request log.
/// </summary>
/// <remarks>
/// <c>POST /_emulator/faults</c> takes <c>{"count", "status", "method", "pathContains", "retryAfterSeconds"}</c>, or
/// <c>stallMilliseconds</c> instead of <c>status</c> for a stall; <c>DELETE</c> disarms every fault.
/// <c>GET /_emulator/requests</c> lists what was served (method, path, query, contentType, body, userAgent,
/// statusCode); <c>DELETE</c> clears the log.
/// </remarks>
public static class AdminEndpoints
{
    public static void Map(WebApplication app, RequestLog requests, FaultInjector faults)
    {
        app.MapGet("/_emulator/requests", () => Results.Json(requests.Snapshot().Select(RequestView.Of).ToArray()));
        app.MapDelete("/_emulator/requests", () =>
        {
            requests.Clear();
            return Results.NoContent();
        });
        app.MapPost("/_emulator/faults", (JsonObject body) =>
        {
            try
            {
                Arm(faults, body);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                return Results.BadRequest(e.Message);
            }

            return Results.NoContent();
        });
        app.MapDelete("/_emulator/faults", () =>
        {
            faults.Clear();
            return Results.NoContent();
        });
    }

    private static void Arm(FaultInjector faults, JsonObject body)
    {
        var count = body["count"]?.GetValue<int>() ?? 1;
        var method = body["method"]?.GetValue<string>();
        var pathContains = body["pathContains"]?.GetValue<string>();
        bool Match(RecordedRequest r) =>
            (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)) &&
            (pathContains is null || r.Path.Contains(pathContains, StringComparison.Ordinal));
        if (body["stallMilliseconds"]?.GetValue<int>() is { } stall)
        {
            faults.StallNext(count, TimeSpan.FromMilliseconds(stall), Match);
            return;
        }

        var retryAfter = body["retryAfterSeconds"]?.GetValue<int>() is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        faults.FailNext(count, body["status"]?.GetValue<int>() ?? 500, Match, retryAfter);
    }
}
