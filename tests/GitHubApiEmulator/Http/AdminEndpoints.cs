using System.Security.Cryptography;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.GitHubApiEmulator.Http;

/// <summary>One recorded request as <c>GET /_emulator/requests</c> lists it.</summary>
public sealed record RequestView(
    string Method, string Path, string Query, string? OperationId, string? Identity, string Body, int StatusCode,
    string[] Violations, string[] ResponseViolations)
{
    public static RequestView Of(RecordedRequest r) => new(
        r.Method, r.Path, r.Query, r.OperationId, r.Identity?.ToString(), r.Body, r.StatusCode,
        [.. r.Violations.Select(v => v.ToString())], [.. r.ResponseViolations.Select(v => v.ToString())]);
}

/// <summary>
/// <c>/_emulator/*</c>: set-up, the request log and faults over HTTP, for an emulator run as its own process. No GitHub
/// path starts with an underscore, so these never shadow the API, and they are not recorded in the request log.
/// </summary>
/// <remarks>
/// <c>POST /_emulator/repositories</c> <c>{"owner","name","private"}</c>; <c>POST /_emulator/apps</c>
/// <c>{"id","publicKeyPem","slug"}</c>; <c>POST /_emulator/installations</c> <c>{"appId","id","repositories":["o/r"]}</c>;
/// <c>POST /_emulator/tokens</c> <c>{"token","login"}</c>; <c>PUT /_emulator/token-lifetime</c> <c>{"seconds"}</c>.
/// <c>POST /_emulator/faults</c> <c>{"count","status","method","pathContains"}</c>, or <c>"secondaryRetryAfterSeconds"</c>
/// (with status 403 or 429), or <c>"primaryResetSeconds"</c>, or <c>"hold": true</c> (held until <c>DELETE</c>, which
/// disarms every fault and lets every held request go). <c>GET</c>/<c>DELETE /_emulator/requests</c>: the log.
/// Webhooks and their deliveries: see <see cref="HookAdminEndpoints"/>.
/// </remarks>
public static class AdminEndpoints
{
    public static void Map(WebApplication app, GitHubApiEmulatorServer emulator)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapGet("/_emulator/requests", () => Results.Json(emulator.Requests.Snapshot().Select(RequestView.Of).ToArray()));
        app.MapDelete("/_emulator/requests", () => Done(emulator.Requests.Clear));
        app.MapPost("/_emulator/repositories", (JsonObject b) =>
            Done(() => emulator.Catalog.AddRepository(Text(b, "owner"), Text(b, "name"), b["private"]?.GetValue<bool>() ?? false)));
        app.MapPost("/_emulator/apps", (JsonObject b) => Done(() =>
        {
            var key = RSA.Create();
            key.ImportFromPem(Text(b, "publicKeyPem"));
            emulator.Catalog.RegisterApp(Number(b, "id"), key, b["slug"]?.GetValue<string>() ?? "k8s-webhook-handler");
        }));
        app.MapPost("/_emulator/installations", (JsonObject b) => Done(() => emulator.Catalog.AddInstallation(
            Number(b, "appId"), Number(b, "id"), [.. (b["repositories"] ?? throw new InvalidOperationException("\"repositories\" is required")).AsArray().Select(r => r!.GetValue<string>())])));
        app.MapPost("/_emulator/tokens", (JsonObject b) => Done(() => emulator.Credentials.AddPersonalToken(Text(b, "token"), b["login"]?.GetValue<string>() ?? "octocat")));
        app.MapPut("/_emulator/token-lifetime", (JsonObject b) =>
            Done(() => emulator.Credentials.InstallationTokenLifetime = TimeSpan.FromSeconds(Number(b, "seconds"))));
        app.MapPost("/_emulator/faults", (JsonObject b) => Done(() => Arm(emulator.Faults, b, release.Task)));
        app.MapDelete("/_emulator/faults", () => Done(() =>
        {
            emulator.Faults.Clear();
            Interlocked.Exchange(ref release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }));
        HookAdminEndpoints.Map(app, emulator.Hooks);
    }

    private static void Arm(FaultInjector faults, JsonObject body, Task release)
    {
        var count = body["count"]?.GetValue<int>() ?? 1;
        var method = body["method"]?.GetValue<string>();
        var pathContains = body["pathContains"]?.GetValue<string>();
        bool Match(RecordedRequest r) =>
            (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase)) &&
            (pathContains is null || r.Path.Contains(pathContains, StringComparison.Ordinal));
        if (body["primaryResetSeconds"]?.GetValue<double>() is { } reset)
        {
            faults.ExhaustPrimaryRateLimit(DateTimeOffset.UtcNow.AddSeconds(reset));
        }
        else if (body["secondaryRetryAfterSeconds"]?.GetValue<double>() is { } retryAfter)
        {
            faults.SecondaryRateLimitNext(count, TimeSpan.FromSeconds(retryAfter), body["status"]?.GetValue<int>() ?? 403, Match);
        }
        else if (body["hold"]?.GetValue<bool>() == true)
        {
            faults.HoldNext(count, release, Match);
        }
        else
        {
            faults.FailNext(count, body["status"]?.GetValue<int>() ?? 503, Match);
        }
    }

    private static string Text(JsonObject body, string name) =>
        body[name]?.GetValue<string>() ?? throw new InvalidOperationException($"\"{name}\" is required");

    private static long Number(JsonObject body, string name) =>
        body[name]?.GetValue<long>() ?? throw new InvalidOperationException($"\"{name}\" is required");

    private static IResult Done(Action action)
    {
        try
        {
            action();
            return Results.NoContent();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or CryptographicException)
        {
            return Results.BadRequest(e.Message);
        }
    }
}
