using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static K8sWebhookHandler.Cli.Output.Display;

namespace K8sWebhookHandler.Cli.Output;

/// <summary>Delivery recovery for people: whether it runs, its hooks and runs as a table, and one run as labelled lines.</summary>
internal static class RecoveryViews
{
    /// <summary>
    /// <c>GET /api/recovery</c>: a line saying whether recovery runs (how often, or why not), a line naming the hooks,
    /// then the runs, newest first.
    /// </summary>
    public static string Recovery(JsonNode? root, DateTimeOffset now)
    {
        var hooks = (root?["hooks"] as JsonArray ?? []).OfType<JsonObject>().Select(h => Text(h["name"])).ToList();
        var text = new StringBuilder()
            .Append("Recovery: ").Append(Standing(root)).Append('\n')
            .Append("Hooks:    ").Append(hooks.Count > 0 ? string.Join(", ", hooks) : "none yet").Append('\n');
        var table = new Table("STARTED", "TRIGGER", "OUTCOME", "LISTED", "FAILED", "RECORDED", "REQUESTED", "ERRORS");
        foreach (var run in (root?["runs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            table.Add(AgoOf(run["startedAt"], now), Text(run["trigger"]), Text(run["outcome"]), Text(run["listed"]), Text(run["failed"]),
                Text(run["alreadyRecorded"]), Text(run["requested"]), ListViews.Shorten(string.Join("; ", Errors(run))));
        }

        return text.Append(table.Count == 0 ? "no runs yet\n" : table.Render()).ToString();
    }

    /// <summary><c>POST /api/recovery/runs</c>: the run as labelled lines, the deliveries asked for again and the errors below.</summary>
    public static string Run(JsonNode? answer, DateTimeOffset now)
    {
        var run = answer as JsonObject;
        var outcome = Text(run?["outcome"]);
        var fields = new List<(string Label, string Value)>
        {
            ("Outcome", outcome == "running" ? "running (still under way after 20 s: 'k8swh recovery' shows how it ends)" : outcome),
            ("Trigger", Text(run?["trigger"])),
            ("Started", When(run?["startedAt"], now)),
            ("Finished", When(run?["finishedAt"], now)),
            ("Listed", Text(run?["listed"])),
            ("Failed", Text(run?["failed"])),
            ("Already recorded", Text(run?["alreadyRecorded"])),
            ("Requested", Text(run?["requested"])),
        };
        var text = Labelled(fields);
        List(text, "Requested again", (run?["deliveries"] as JsonArray ?? []).Select(Text));
        List(text, "Errors", run is null ? [] : Errors(run));
        return text.ToString();
    }

    /// <summary><c>on, every 10m</c>, or <c>off: why</c> in the handler's words.</summary>
    private static string Standing(JsonNode? root)
    {
        if (root?["enabled"] is JsonValue enabled && enabled.TryGetValue<bool>(out var on) && on)
        {
            return "on, at start-up and every " + Every(Text(root["interval"]));
        }

        return "off: " + (Text(root?["disabled"]) is { Length: > 0 } why ? why : "recovery does not run");
    }

    /// <summary>A TimeSpan as JSON writes it (<c>00:10:00</c>) as <c>10m</c>, <c>1h30m</c>, <c>1d</c>; anything else as it is.</summary>
    private static string Every(string interval)
    {
        if (!TimeSpan.TryParse(interval, CultureInfo.InvariantCulture, out var span) || span <= TimeSpan.Zero)
        {
            return interval;
        }

        var parts = new[] { (span.Days, "d"), (span.Hours, "h"), (span.Minutes, "m"), (span.Seconds, "s") };
        return string.Concat(parts.Where(p => p.Item1 > 0).Select(p => $"{p.Item1}{p.Item2}")) is { Length: > 0 } text ? text : interval;
    }

    private static IEnumerable<string> Errors(JsonObject run) => (run["errors"] as JsonArray ?? []).Select(Text);

    private static void List(StringBuilder text, string label, IEnumerable<string> items)
    {
        var list = items.Where(i => i.Length > 0).ToList();
        if (list.Count > 0)
        {
            text.Append(label).Append(":\n");
            list.ForEach(item => text.Append("  ").Append(item).Append('\n'));
        }
    }
}
