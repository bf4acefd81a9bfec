using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Events;

/// <summary>The GitHub events the handler tells apart; every other event is <see cref="Other"/>.</summary>
public enum EventKind
{
    Other,
    Push,
    Delete,
    Create,
    CheckSuite,
    CheckRun,
    Ping,
    RepositoryDispatch,
    PullRequest,
    MergeGroup,
    IssueComment,
    Release,
    Deployment,
    WorkflowDispatch,
}

/// <summary>
/// <c>X-GitHub-Event</c>, parsed once at intake: the <see cref="Name"/> exactly as GitHub sent it (it is stamped as the
/// <c>event_type</c> annotation and kept in records, also for events the handler ignores) and the
/// <see cref="Kind"/> the handler decides by. Written (in JSON, in logs) as the name.
/// </summary>
[GenerateSerializer, Immutable, Alias("event-type")]
[JsonConverter(typeof(ParsableJsonConverter<EventType>))]
public readonly partial record struct EventType : IParsable<EventType>
{
    private static readonly FrozenDictionary<string, EventKind> Kinds = new Dictionary<string, EventKind>(StringComparer.Ordinal)
    {
        ["push"] = EventKind.Push,
        ["delete"] = EventKind.Delete,
        ["create"] = EventKind.Create,
        ["check_suite"] = EventKind.CheckSuite,
        ["check_run"] = EventKind.CheckRun,
        ["ping"] = EventKind.Ping,
        ["repository_dispatch"] = EventKind.RepositoryDispatch,
        ["pull_request"] = EventKind.PullRequest,
        ["merge_group"] = EventKind.MergeGroup,
        ["issue_comment"] = EventKind.IssueComment,
        ["release"] = EventKind.Release,
        ["deployment"] = EventKind.Deployment,
        ["workflow_dispatch"] = EventKind.WorkflowDispatch,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    [Id(0)]
    private readonly string? _name;

    private EventType(string name) => _name = name;

    public static EventType Push { get; } = new("push");

    public static EventType Delete { get; } = new("delete");

    public static EventType PullRequest { get; } = new("pull_request");

    /// <summary>The event's name as GitHub sent it, e.g. <c>push</c>, <c>check_suite</c>, <c>issues</c>.</summary>
    public string Name => _name ?? "";

    public EventKind Kind => Kinds.GetValueOrDefault(Name, EventKind.Other);

    // \z, not $: $ would also match before a trailing newline.
    [GeneratedRegex(@"\A[a-z_]{1,64}\z")]
    private static partial Regex Shape();

    public static EventType Parse(string name) =>
        TryParse(name, out var type) ? type : throw new FormatException($"'{name}' is not an event name ([a-z_]{{1,64}})");

    /// <summary>Whether <paramref name="name"/> is an event name GitHub could send: <c>[a-z_]{1,64}</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out EventType type)
    {
        if (name is not null && Shape().IsMatch(name))
        {
            type = new EventType(name);
            return true;
        }

        type = default;
        return false;
    }

    static EventType IParsable<EventType>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<EventType>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out EventType result) => TryParse(s, out result);

    public override string ToString() => Name;
}
