using System.Text.Json.Nodes;
using static K8sWebhookHandler.Cli.Output.Display;

namespace K8sWebhookHandler.Cli.Output;

/// <summary>The list answers as tables, with the cursor of the next page when there is one.</summary>
internal static class ListViews
{
    private const int ReasonWidth = 60;

    /// <summary><c>GET /api/repositories</c>: name, last activity, deliveries counted by state.</summary>
    public static string Repositories(JsonNode? root, DateTimeOffset now)
    {
        var table = new Table("REPOSITORY", "LAST ACTIVITY", "DELIVERIES");
        foreach (var item in Items(root))
        {
            var counts = (item["counts"] as JsonObject ?? [])
                .Where(c => Text(c.Value) != "0")
                .OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => $"{c.Key} {Text(c.Value)}");
            table.Add(Text(item["repository"]), AgoOf(item["lastActivity"], now), string.Join(", ", counts));
        }

        return Finish(table, root, "no repositories");
    }

    /// <summary><c>GET .../deliveries</c>: newest first, one line each, the reason cut short (<c>show</c> has all of it).</summary>
    public static string Deliveries(JsonNode? root, DateTimeOffset now)
    {
        var table = new Table("DELIVERY", "EVENT", "REF", "SHA", "STATE", "ATTEMPTS", "RECEIVED", "REASON");
        foreach (var item in Items(root))
        {
            table.Add(Text(item["delivery"]), Event(item), Text(item["ref"]), ShortSha(Text(item["revision"])), Text(item["state"]),
                Text(item["attempts"]), AgoOf(item["receivedAt"], now), Shorten(Text(item["reason"])));
        }

        return Finish(table, root, "no deliveries");
    }

    /// <summary><c>GET .../refs</c>: each ref's applied revision, the delivery that applied it, and its workflows.</summary>
    public static string Refs(JsonNode? root, DateTimeOffset now)
    {
        var table = new Table("REF", "REVISION", "DELIVERY", "UPDATED", "WORKFLOWS");
        foreach (var item in Items(root))
        {
            var revision = Text(item["appliedRevision"] ?? item["lastRevision"] ?? item["revision"]);
            var workflows = (item["workflows"] ?? item["objects"]) as JsonArray ?? [];
            var names = workflows.Select(w => w is JsonObject o ? Text(o["name"]) : Text(w));
            table.Add(Text(item["ref"]), ShortSha(revision), Text(item["lastDelivery"] ?? item["delivery"]),
                AgoOf(item["updatedAt"], now), string.Join(", ", names));
        }

        return Finish(table, root, "no refs");
    }

    /// <summary>The event and its action, e.g. <c>pull_request/opened</c>.</summary>
    public static string Event(JsonNode item)
    {
        var action = Text(item["action"]);
        return Text(item["eventType"]) + (action.Length > 0 ? "/" + action : "");
    }

    /// <summary>A reason or error on one line, cut short after sixty characters.</summary>
    public static string Shorten(string reason)
    {
        var line = string.Join(' ', reason.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= ReasonWidth ? line : line[..(ReasonWidth - 3)] + "...";
    }

    private static string Finish(Table table, JsonNode? root, string empty)
    {
        var text = table.Count == 0 ? empty + "\n" : table.Render();
        var next = Text((root as JsonObject)?["next"]);
        return next.Length == 0 ? text : text + $"more: --cursor {next}\n";
    }
}
