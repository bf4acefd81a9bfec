using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.GitHubApiEmulator.Http;

/// <summary>
/// <c>/_emulator/hooks</c>: webhooks and their delivery logs over HTTP, for an emulator run as its own process.
/// </summary>
/// <remarks>
/// <c>POST /_emulator/hooks</c> <c>{"repository":"o/r"}</c> or <c>{"appId"}</c>, with <c>"url","secret"</c> → <c>{"id"}</c>;
/// <c>PATCH /_emulator/hooks/{id}</c> <c>{"url","secret"}</c> (secret optional); <c>POST /_emulator/hooks/{id}/deliveries</c>
/// <c>{"event","payload","guid"}</c> (payload a JSON value or a string of JSON; guid optional) → the attempt;
/// <c>GET /_emulator/hooks/{id}/deliveries</c>: every attempt, oldest first; <c>GET /_emulator/redeliveries</c>: every
/// redelivery asked for through the API.
/// </remarks>
public static class HookAdminEndpoints
{
    public static void Map(WebApplication app, HookStore hooks)
    {
        app.MapPost("/_emulator/hooks", (JsonObject b) => Answer(() => Results.Json(new { id = Add(hooks, b) })));
        app.MapPatch("/_emulator/hooks/{id:long}", (long id, JsonObject b) => Answer(() =>
        {
            hooks.UpdateHook(id, new Uri(Text(b, "url")), b["secret"]?.GetValue<string>());
            return Results.NoContent();
        }));
        app.MapPost("/_emulator/hooks/{id:long}/deliveries", async (long id, JsonObject b, CancellationToken cancellationToken) =>
        {
            if (hooks.Hook(id) is null)
            {
                return Results.NotFound($"there is no hook {id}");
            }

            var payload = b["payload"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : b["payload"]?.ToJsonString();
            return payload is null || b["event"]?.GetValue<string>() is not { } eventName
                ? Results.BadRequest("\"event\" and \"payload\" are required")
                : Results.Json(await hooks.DeliverAsync(id, eventName, payload, b["guid"]?.GetValue<string>(), cancellationToken));
        });
        app.MapGet("/_emulator/hooks/{id:long}/deliveries", (long id) =>
            hooks.Hook(id) is null ? Results.NotFound($"there is no hook {id}") : Results.Json(hooks.Attempts(id)));
        app.MapGet("/_emulator/redeliveries", () => Results.Json(hooks.Redeliveries));
    }

    private static long Add(HookStore hooks, JsonObject body)
    {
        var url = new Uri(Text(body, "url"));
        var secret = Text(body, "secret");
        return body["appId"]?.GetValue<long>() is { } appId
            ? hooks.AddAppHook(appId, url, secret)
            : hooks.AddRepositoryHook(Text(body, "repository"), url, secret);
    }

    private static string Text(JsonObject body, string name) =>
        body[name]?.GetValue<string>() ?? throw new InvalidOperationException($"\"{name}\" is required");

    private static IResult Answer(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or UriFormatException)
        {
            return Results.BadRequest(e.Message);
        }
    }
}
