using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>
/// <c>/_emulator/*</c>: the request log and fault injection over HTTP, for an emulator run as its own
/// process. No Kubernetes path starts with an underscore, so these never shadow the API.
/// </summary>
public static class AdminEndpoints
{
    public static void Map(WebApplication app, RequestLog requests, FaultInjector faults)
    {
        app.MapGet("/_emulator/requests", () => Results.Json(requests.Snapshot()));
        app.MapDelete("/_emulator/requests", () =>
        {
            requests.Clear();
            return Results.NoContent();
        });
        app.MapPost("/_emulator/faults", (JsonObject body) =>
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
            }
            else
            {
                var retryAfter = body["retryAfterSeconds"]?.GetValue<int>() is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
                faults.FailNext(count, body["status"]?.GetValue<int>() ?? 500, Match, retryAfter);
            }

            return Results.NoContent();
        });
        app.MapDelete("/_emulator/faults", () =>
        {
            faults.Clear();
            return Results.NoContent();
        });
    }
}
