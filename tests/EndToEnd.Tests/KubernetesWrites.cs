using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>One write the API server received: where it stands in the request log, the object's path, and what it answered.</summary>
public sealed record KubernetesWrite(int Index, string Method, string ObjectPath, int Status)
{
    /// <summary>A create answered 201, or an apply answered 200 or 201: the object is there because of this write.</summary>
    public bool Succeeded => IsSuccess(Method, Status);

    /// <summary>A create answered 409: the object already existed.</summary>
    public bool AlreadyExisted => Method == "POST" && Status == 409;

    public override string ToString() => $"#{Index} {Method} {ObjectPath} → {Status}";

    public static bool IsSuccess(string method, int status) => method == "POST" ? status == 201 : status is 200 or 201;
}

/// <summary>
/// What the API server (the emulator) received for each delivery — creates (POST) and server-side applies (PATCH
/// with an apply patch) of objects labelled with the delivery — and what it answered. It is seen from outside the
/// handler: reading it activates nothing and asks the handler nothing.
/// </summary>
public static class KubernetesWrites
{
    private const string DeliveryLabel = "k8s-webhook-handler.io/delivery";

    /// <summary>The delivery a request writes an object for, and the object's path; null for reads, deletes and other patches.</summary>
    public static (string Delivery, string ObjectPath)? WriteOf(RecordedRequest request)
    {
        var isCreate = request.Method == "POST";
        var isApply = request.Method == "PATCH" && request.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) == true;
        if (!isCreate && !isApply)
        {
            return null;
        }

        try
        {
            var metadata = JsonNode.Parse(request.Body)?["metadata"];
            var delivery = metadata?["labels"]?[DeliveryLabel]?.GetValue<string>();
            // A create names the collection; the object is the collection and its name (derived from the delivery).
            var path = isCreate ? $"{request.Path}/{metadata?["name"]?.GetValue<string>()}" : request.Path;
            return delivery is null ? null : (delivery, path);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every write of the log, by the delivery it is for, in arrival order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<KubernetesWrite>> ByDelivery(IReadOnlyList<RecordedRequest> requests) =>
        requests.Select((request, index) => (Of: WriteOf(request), Request: request, Index: index))
            .Where(w => w.Of is not null)
            .GroupBy(w => w.Of!.Value.Delivery, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<KubernetesWrite>)g.Select(w => new KubernetesWrite(w.Index, w.Request.Method, w.Of!.Value.ObjectPath, w.Request.StatusCode)).ToList(),
                StringComparer.Ordinal);

    /// <summary>
    /// Waits, on the request log alone, until the API server has answered a successful write for every delivery.
    /// When the time is up it fails the test with what the server did see, so a missing recovery reads as one.
    /// </summary>
    /// <param name="when">What the test did before waiting, for the failure message (e.g. "after the kill and restart").</param>
    public static async Task WaitForSuccessfulWritesAsync(this RequestLog log, IReadOnlyCollection<string> deliveries, TimeSpan timeout, string when)
    {
        var clock = Stopwatch.StartNew();
        foreach (var delivery in deliveries)
        {
            var left = timeout - clock.Elapsed;
            try
            {
                await log.WaitForAsync(r => KubernetesWrite.IsSuccess(r.Method, r.StatusCode) && WriteOf(r)?.Delivery == delivery, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                var writes = ByDelivery(log.Snapshot());
                var written = deliveries.Count(d => writes.TryGetValue(d, out var w) && w.Any(x => x.Succeeded));
                var answers = writes.Where(w => deliveries.Contains(w.Key)).SelectMany(w => w.Value)
                    .GroupBy(w => $"{w.Method} → {w.Status}").Select(g => $"{g.Key} ×{g.Count()}");
                Assert.Fail($"{when}, the API server had no successful create or apply for delivery {delivery} within {timeout}: " +
                    $"{written} of the {deliveries.Count} deliveries were written. Writes it received for them: {string.Join(", ", answers)}.");
            }
        }
    }
}
