using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Recovery;

namespace K8sWebhookHandler.Grains.Telemetry;

/// <summary>
/// The labels of <see cref="HandlerMetrics"/> and their values, each from a fixed set: events as GitHub names them
/// (<c>push</c>, <c>pull_request</c>, <c>other</c> for any event the handler does not tell apart), outcomes as the
/// inspection API spells them (<c>applied</c>, <c>no-manifest</c>), HTTP verbs and status codes.
/// </summary>
public static class MetricLabels
{
    public const string Event = "event";
    public const string Outcome = "outcome";
    public const string Status = "status";
    public const string Verb = "verb";
    public const string Action = "action";
    public const string Trigger = "trigger";

    private static readonly FrozenDictionary<EventKind, string> Events = Names<EventKind>(JsonNamingPolicy.SnakeCaseLower);
    private static readonly FrozenDictionary<DeliveryState, string> Outcomes = Names<DeliveryState>(JsonNamingPolicy.KebabCaseLower);
    private static readonly FrozenDictionary<StopAction, string> Actions = Names<StopAction>(JsonNamingPolicy.KebabCaseLower);
    private static readonly FrozenDictionary<RetryTrigger, string> Triggers = Names<RetryTrigger>(JsonNamingPolicy.KebabCaseLower);
    private static readonly FrozenDictionary<RecoveryOutcome, string> RecoveryOutcomes = Names<RecoveryOutcome>(JsonNamingPolicy.KebabCaseLower);
    private static readonly FrozenDictionary<RecoveryTrigger, string> RecoveryTriggers = Names<RecoveryTrigger>(JsonNamingPolicy.KebabCaseLower);

    // The codes HTTP defines: the label never takes another value, and each is formatted once.
    private static readonly string[] Codes = Enumerable.Range(0, 600).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static string Of(EventKind kind) => Events.GetValueOrDefault(kind, "other");

    public static string Of(DeliveryState state) => Outcomes.GetValueOrDefault(state, "unknown");

    public static string Of(StopAction action) => Actions[action];

    public static string Of(RetryTrigger trigger) => Triggers[trigger];

    /// <summary>A delivery reconciler run's outcome, as the inspection API spells it.</summary>
    public static string Of(RecoveryOutcome outcome) => RecoveryOutcomes[outcome];

    /// <summary>What started a delivery reconciler run, as the inspection API spells it.</summary>
    public static string Of(RecoveryTrigger trigger) => RecoveryTriggers[trigger];

    /// <summary>The status code, or <c>other</c> outside 100–599.</summary>
    public static string Of(int status) => status is >= 100 and < 600 ? Codes[status] : "other";

    /// <summary>The verb of the HTTP methods the handler sends; <c>OTHER</c> for any other.</summary>
    public static string Of(HttpMethod method) =>
        method == HttpMethod.Get ? "GET"
        : method == HttpMethod.Post ? "POST"
        : method == HttpMethod.Patch ? "PATCH"
        : method == HttpMethod.Put ? "PUT"
        : method == HttpMethod.Delete ? "DELETE"
        : "OTHER";

    private static FrozenDictionary<T, string> Names<T>(JsonNamingPolicy policy) where T : struct, Enum =>
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => policy.ConvertName(v.ToString()));
}
