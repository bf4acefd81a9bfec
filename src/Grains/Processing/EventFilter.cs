using K8sWebhookHandler.Grains.Events;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>Which deliveries the handler acts on; everything else is recorded and answered <c>ignored</c>.</summary>
public static class EventFilter
{
    /// <summary>Null when the event is acted on; otherwise why it is ignored.</summary>
    public static string? IgnoreReason(WebhookEvent e) => (e.EventType, e.Action) switch
    {
        ("push", _) when e.Ref.Length == 0 => "push without a ref",
        ("push", _) => null,
        ("delete", _) when e.IsBranch || e.IsTag => null,
        ("delete", _) => "delete event without a ref",
        ("check_suite", "requested" or "rerequested") or ("check_run", "rerequested") when e.Revision.Length == 0 => "check event without a head commit",
        ("check_suite", "requested" or "rerequested") or ("check_run", "rerequested") => null,
        ("ping", _) => "ping",
        ("check_suite" or "check_run", var action) => $"{e.EventType} action '{action}'",
        var (type, _) => $"event '{type}' is not acted on",
    };
}
