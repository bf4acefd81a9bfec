using System.Text.RegularExpressions;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Inspection;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Which deliveries the handler acts on, decided once, on arrival. Everything else is recorded final at once and
/// answered <c>ignored</c>: <c>ignored</c> for an event it does not act on, <c>ignored-ref</c> for a ref that matches
/// <c>Handler:IgnoreRefs</c>. Nothing ignored is fetched, decided or applied.
/// </summary>
public sealed class EventFilter(DeliveryOptions options)
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex? _ignoreRefs = options.IgnoreRefs is { Length: > 0 } pattern
        ? new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout)
        : null;

    /// <summary>Null when the event is acted on; otherwise its final state and why.</summary>
    public (DeliveryState State, string Reason)? Ignore(WebhookEvent e) =>
        IgnoreReason(e) is { } reason ? (DeliveryState.Ignored, reason)
        : IgnoresRef(e.Ref) ? (DeliveryState.IgnoredRef, $"{e.Ref} matches Handler:IgnoreRefs")
        : null;

    /// <summary>Null when the event's type and action are acted on; otherwise why not.</summary>
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

    private bool IgnoresRef(string gitRef)
    {
        try
        {
            return _ignoreRefs?.IsMatch(gitRef) == true;
        }
        catch (RegexMatchTimeoutException)
        {
            // An expression that backtracks without end on this ref: the operator asked to ignore refs like it.
            return true;
        }
    }
}
