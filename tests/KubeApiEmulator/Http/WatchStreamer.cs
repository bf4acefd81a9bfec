using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Resources;
using K8sWebhookHandler.KubeApiEmulator.Selection;
using K8sWebhookHandler.KubeApiEmulator.Storage;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>
/// <c>?watch=true</c>: a stream of ADDED, MODIFIED and DELETED events, one JSON object a line. Without a
/// resourceVersion (or with "0") it starts with the current objects; with one, it resumes after it, or
/// answers an ERROR event with 410 Expired when that version is no longer retained.
/// </summary>
public sealed class WatchStreamer(ObjectStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<HttpContext, bool> _open = new();

    /// <summary>
    /// Resets the connection of every open watch, as a load balancer or a restarting API server does: the client sees
    /// the stream break, not end. Returns how many were open.
    /// </summary>
    public int DropAll()
    {
        var open = _open.Keys.ToArray();
        foreach (var context in open)
        {
            context.Abort();
        }

        return open.Length;
    }

    public async Task StreamAsync(HttpContext context, ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        var query = context.Request.Query;
        var table = TableWriter.Wanted(context.Request.Headers.Accept);
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : Timeout.InfiniteTimeSpan;
        var from = query["resourceVersion"].ToString();
        bool Selected(JsonObject? obj) => obj is not null && labels.Matches(obj) && fields.Matches(obj);
        bool InScope(ObjectKey key) => key.Group == type.Group && key.Plural == type.Plural && (ns is null || key.Namespace == ns);

        var (subscription, initial) = Subscribe(type, ns, from, Selected, InScope);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        if (subscription is null)
        {
            var gone = KubeStatusException.Gone($"too old resource version: {from} ({store.OldestResumable})");
            await WriteAsync(context, "ERROR", gone.ToStatus(), table: false);
            return;
        }

        using (subscription)
        {
            await PumpAsync(context, initial, subscription, Selected, timeout, table);
        }
    }

    /// <summary>
    /// Subscribes from <paramref name="from"/>, or from now with the current objects as the initial events when it is
    /// empty or "0"; a null subscription when that version is no longer retained.
    /// </summary>
    private (ObjectStore.Subscription? Subscription, List<JsonObject> Initial) Subscribe(ResourceType type, string? ns, string from,
        Func<JsonObject?, bool> selected, Func<ObjectKey, bool> inScope)
    {
        lock (store.Gate)
        {
            if (from.Length == 0 || from == "0")
            {
                var initial = store.List(type, ns).Select(o => o.Value).Where(selected).Select(o => (JsonObject)o.DeepClone()).ToList();
                return (store.Subscribe(inScope, store.ResourceVersion), initial);
            }

            return long.TryParse(from, CultureInfo.InvariantCulture, out var resumeFrom)
                ? (store.Subscribe(inScope, resumeFrom), [])
                : throw KubeStatusException.BadRequest($"invalid resource version: {from}");
        }
    }

    /// <summary>Writes the initial objects, then every change, until the client goes away or the timeout runs out.</summary>
    private async Task PumpAsync(HttpContext context, List<JsonObject> initial, ObjectStore.Subscription subscription,
        Func<JsonObject?, bool> selected, TimeSpan timeout, bool table)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        cancel.CancelAfter(timeout);
        _open[context] = true;
        try
        {
            foreach (var obj in initial)
            {
                await WriteAsync(context, "ADDED", obj, table);
            }

            await foreach (var stored in subscription.Events.ReadAllAsync(cancel.Token))
            {
                var (kind, obj) = Translate(stored, selected);
                if (kind is not null)
                {
                    await WriteAsync(context, kind, obj, table);
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away or the watch's timeoutSeconds ran out: the stream simply ends.
        }
        finally
        {
            _open.TryRemove(context, out _);
        }
    }

    /// <summary>
    /// A modification that moves an object into or out of the selection is seen as ADDED or DELETED,
    /// as the API server's watch cache reports it.
    /// </summary>
    private static (string? Kind, JsonObject Object) Translate(StoredEvent stored, Func<JsonObject?, bool> selected)
    {
        var now = selected(stored.Object);
        var before = selected(stored.Previous);
        return stored.Type switch
        {
            "ADDED" => (now ? "ADDED" : null, stored.Object),
            "DELETED" => (before ? "DELETED" : null, stored.Object),
            _ when now && before => ("MODIFIED", stored.Object),
            _ when now => ("ADDED", stored.Object),
            _ when before => ("DELETED", stored.Object),
            _ => (null, stored.Object),
        };
    }

    private async Task WriteAsync(HttpContext context, string kind, JsonObject obj, bool table)
    {
        var payload = table ? TableWriter.FromObject(obj, time.GetUtcNow()) : obj;
        var line = new JsonObject { ["type"] = kind, ["object"] = payload.DeepClone() }.ToJsonString() + "\n";
        await context.Response.WriteAsync(line, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
