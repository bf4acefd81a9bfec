using System.Text;
using System.Text.Json.Nodes;
using static K8sWebhookHandler.Cli.Output.Display;

namespace K8sWebhookHandler.Cli.Output;

/// <summary>One delivery record as labelled lines: what it was, where it is, what it did.</summary>
internal static class DeliveryView
{
    public static string Render(JsonNode? answer, DateTimeOffset now)
    {
        var record = answer as JsonObject;
        var fields = new List<(string Label, string Value)>
        {
            ("Delivery", Text(record?["delivery"])),
            ("Event", record is null ? "" : ListViews.Event(record)),
            ("Ref", Text(record?["ref"])),
            ("Revision", Text(record?["revision"])),
            ("Before", Text(record?["before"])),
            ("State", Text(record?["state"])),
            ("Reason", Text(record?["reason"])),
            ("Attempts", Text(record?["attempts"])),
            ("Rerun", Text(record?["rerun"]) is "0" ? "" : Text(record?["rerun"])),
            ("Received", When(record?["receivedAt"], now)),
            ("Completed", When(record?["completedAt"], now)),
        };
        var text = Labelled(fields);
        Objects(text, "Objects", record?["objects"]);
        Objects(text, "Stopped", record?["stopped"]);
        Reports(text, record?["reports"], now);
        return text.ToString();
    }

    private static void Objects(StringBuilder text, string label, JsonNode? objects)
    {
        if (objects is JsonArray { Count: > 0 } list)
        {
            text.Append(label).Append(":\n");
            foreach (var item in list)
            {
                text.Append("  ").Append(Display.Object(item)).Append('\n');
            }
        }
    }

    private static void Reports(StringBuilder text, JsonNode? reports, DateTimeOffset now)
    {
        if (reports is not JsonArray { Count: > 0 } list)
        {
            return;
        }

        var table = new Table("CONTEXT", "OUTCOME", "SHA", "SENT", "DESCRIPTION");
        foreach (var report in list.OfType<JsonObject>())
        {
            var sent = Text(report["error"]) is { Length: > 0 } error ? "not sent: " + error : AgoOf(report["sentAt"], now);
            table.Add(Text(report["context"]), Text(report["outcome"]), ShortSha(Text(report["sha"])), sent.Length > 0 ? sent : "waiting",
                Text(report["description"]));
        }

        text.Append("Reported to GitHub:\n");
        foreach (var line in table.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append("  ").Append(line).Append('\n');
        }
    }
}
