using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Http.Shapes;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.GitHubApiEmulator.Http.Endpoints;

/// <summary>
/// A hook's delivery log: list (newest first, by an opaque cursor, <c>per_page</c> up to 100, <c>status</c>), get one
/// delivery, and ask for a redelivery (202, then the re-post in the background). The App's hook with its JWT; a
/// repository's hooks with a token that reaches the repository (an installation token needs <c>repository_hooks</c>,
/// write to redeliver). Only deliveries within <see cref="HookStore.Retention"/> exist; a hook of another repository,
/// an App without a hook and an unknown delivery are 404.
/// </summary>
public sealed class HookDeliveryEndpoints(Catalog catalog, HookStore hooks)
{
    public const int DefaultPerPage = 30;
    public const int MaxPerPage = 100;

    private delegate ApiAnswer Serve(ApiCall call, HookRecord hook, string hookPath);

    public void Register(EndpointTable table) => table
        .Map("apps/list-webhook-deliveries", Access.App, call => ForAppHook(call, List))
        .Map("apps/get-webhook-delivery", Access.App, call => ForAppHook(call, Get))
        .Map("apps/redeliver-webhook-delivery", Access.App, call => ForAppHook(call, Redeliver))
        .Map("repos/list-webhook-deliveries", Access.Token, call => ForRepositoryHook(call, write: false, List))
        .Map("repos/get-webhook-delivery", Access.Token, call => ForRepositoryHook(call, write: false, Get))
        .Map("repos/redeliver-webhook-delivery", Access.Token, call => ForRepositoryHook(call, write: true, Redeliver));

    /// <summary>The cursor of the page after the one that ends with <paramref name="lastId"/>: opaque to clients, as GitHub's.</summary>
    public static string Cursor(long lastId) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes("v1_" + lastId.ToString(CultureInfo.InvariantCulture)));

    private ApiAnswer ForAppHook(ApiCall call, Serve serve) =>
        hooks.AppHook(call.Identity.AppId!.Value) is { } hook
            ? serve(call, hook, "/app/hook")
            : GitHubErrors.NotFound(call.Operation.DocumentationUrl);

    private ApiAnswer ForRepositoryHook(ApiCall call, bool write, Serve serve)
    {
        var (repository, refusal) = RepositoryScope.Resolve(call, catalog, "repository_hooks", write);
        if (repository is null)
        {
            return refusal!;
        }

        return hooks.Hook(call.PathId("hook_id")) is { Kind: HookKind.Repository } hook &&
            string.Equals(hook.Repository, repository.FullName, StringComparison.OrdinalIgnoreCase)
            ? serve(call, hook, $"/repos/{repository.FullName}/hooks/{hook.Id.ToString(CultureInfo.InvariantCulture)}")
            : GitHubErrors.NotFound(call.Operation.DocumentationUrl);
    }

    private ApiAnswer List(ApiCall call, HookRecord hook, string hookPath)
    {
        if (Before(call.QueryText("cursor")) is not { } before)
        {
            return GitHubErrors.Error(400, "Invalid cursor", call.Operation.DocumentationUrl);
        }

        var size = Math.Clamp(call.QueryInt("per_page", DefaultPerPage), 1, MaxPerPage);
        var status = call.QueryText("status");
        var listed = Retained(call, hook).Where(a => a.Id < before && Classified(a, status)).OrderByDescending(a => a.Id).ToArray();
        var page = listed.Take(size).ToArray();
        var body = new JsonArray([.. page.Select(a => (JsonNode)DeliveryShapes.Simple(a))]);
        if (listed.Length <= size)
        {
            return new ApiAnswer(200, body);
        }

        var filter = status is null ? "" : "&status=" + status;
        var next = $"{call.ApiBase}{hookPath}/deliveries?per_page={size.ToString(CultureInfo.InvariantCulture)}&cursor={Cursor(page[^1].Id)}{filter}";
        return new ApiAnswer(200, body, new Dictionary<string, string> { ["Link"] = $"<{next}>; rel=\"next\"" });
    }

    private ApiAnswer Get(ApiCall call, HookRecord hook, string hookPath) =>
        Find(call, hook) is { } attempt
            ? new ApiAnswer(200, DeliveryShapes.Full(attempt))
            : GitHubErrors.NotFound(call.Operation.DocumentationUrl);

    private ApiAnswer Redeliver(ApiCall call, HookRecord hook, string hookPath)
    {
        if (Find(call, hook) is not { } attempt)
        {
            return GitHubErrors.NotFound(call.Operation.DocumentationUrl);
        }

        hooks.Redeliver(attempt);
        return new ApiAnswer(202, new JsonObject());
    }

    private HookAttempt? Find(ApiCall call, HookRecord hook) =>
        Retained(call, hook).FirstOrDefault(a => a.Id == call.PathId("delivery_id"));

    private IEnumerable<HookAttempt> Retained(ApiCall call, HookRecord hook) =>
        hooks.Attempts(hook.Id).Where(a => a.DeliveredAt > call.Now - HookStore.Retention);

    /// <summary>
    /// The description's classes, by <c>status_code</c>: <c>success</c> is 200–399, <c>failure</c> 400–599. An attempt
    /// that got no answer (status code 0: the receiver was down or too slow) is in neither, so only a list without the
    /// filter shows it.
    /// </summary>
    private static bool Classified(HookAttempt attempt, string? status) => status switch
    {
        "success" => attempt.StatusCode is >= 200 and <= 399,
        "failure" => attempt.StatusCode is >= 400 and <= 599,
        _ => true,
    };

    /// <summary>The id a page starts below: every id without a cursor, null for a cursor the emulator did not give.</summary>
    private static long? Before(string? cursor)
    {
        if (cursor is null)
        {
            return long.MaxValue;
        }

        var text = Base64Url.IsValid(cursor) ? Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)) : "";
        return text.StartsWith("v1_", StringComparison.Ordinal) && long.TryParse(text[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}
