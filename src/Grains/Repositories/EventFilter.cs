using System.Text.RegularExpressions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;

namespace K8sWebhookHandler.Grains.Repositories;

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
    public static string? IgnoreReason(WebhookEvent e) => (e.Kind, e.Action) switch
    {
        (EventKind.Push, _) when e.Ref.IsNone => "push without a ref",
        (EventKind.Push, _) => null,
        (EventKind.Delete, _) when e.Ref.IsBranch || e.Ref.IsTag => null,
        (EventKind.Delete, _) => "delete event without a ref",
        (EventKind.CheckSuite, "requested" or "rerequested") or (EventKind.CheckRun, "rerequested") when e.Revision.Length == 0 => "check event without a head commit",
        (EventKind.CheckSuite, "requested" or "rerequested") or (EventKind.CheckRun, "rerequested") => null,
        (EventKind.Ping, _) => "ping",
        (EventKind.CheckSuite or EventKind.CheckRun, var action) => $"{e.EventType} action '{action}'",
        _ => $"event '{e.EventType}' is not acted on",
    };

    /// <summary>Whether <c>Handler:IgnoreRefs</c> matches the full ref.</summary>
    private bool IgnoresRef(GitRef gitRef)
    {
        try
        {
            return _ignoreRefs?.IsMatch(gitRef.Value) == true;
        }
        catch (RegexMatchTimeoutException)
        {
            // An expression that backtracks without end on this ref: the operator asked to ignore refs like it.
            return true;
        }
    }
}
