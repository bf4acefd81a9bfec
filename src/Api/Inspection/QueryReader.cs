using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8sWebhookHandler.Api.Inspection;

/// <summary>
/// Reads the inspection lists' query values, each typed once here. A value that is not valid is collected with what to
/// send instead, and the request answered with all of them as one validation problem (400).
/// </summary>
internal sealed class QueryReader(IQueryCollection query)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private static readonly FrozenDictionary<string, DeliveryState> States =
        Enum.GetValues<DeliveryState>().ToFrozenDictionary(s => JsonNamingPolicy.KebabCaseLower.ConvertName(s.ToString()), StringComparer.Ordinal);

    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool Valid => _errors.Count == 0;

    public ValidationProblem Problem() => TypedResults.ValidationProblem(
        _errors, detail: string.Join(" ", _errors.Values.SelectMany(e => e)), title: "The query is not valid");

    /// <summary><c>state</c>: a delivery state as the records write it, e.g. <c>queued</c> or <c>no-manifest</c>.</summary>
    public DeliveryState? State() => Single("state") is not { } text ? null
        : States.TryGetValue(text, out var state) ? state
        : Fail<DeliveryState?>("state", $"state must be one of {string.Join(", ", States.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary><c>limit</c>: how many items a page holds, 1 to <see cref="MaxLimit"/>; <see cref="DefaultLimit"/> when absent.</summary>
    public int Limit() => Single("limit") is not { } text ? DefaultLimit
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit ? limit
        : Fail<int>("limit", $"limit must be a whole number from 1 to {MaxLimit}, e.g. limit={DefaultLimit}.");

    /// <summary><c>ref</c>: a full ref, e.g. <c>refs/heads/main</c>.</summary>
    public GitRef? Ref() => Single("ref") is not { } text ? null
        : text.Length > 0 && GitRef.TryParse(text, out var gitRef) ? gitRef
        : Fail<GitRef?>("ref", "ref must be a full branch, tag or pull request ref, e.g. ref=refs/heads/main or ref=refs/pull/7/head.");

    /// <summary><c>event</c>: a GitHub event name as <c>X-GitHub-Event</c> sends it, e.g. <c>push</c>.</summary>
    public EventType? Event() => Single("event") is not { } text ? null
        : EventType.TryParse(text, out var type) ? type
        : Fail<EventType?>("event", "event must be a GitHub event name, e.g. event=push or event=pull_request.");

    /// <summary><c>cursor</c> of the repository list: the <c>next</c> of the previous page.</summary>
    public RepositoryKey? RepositoryCursor() => Single("cursor") is not { } text ? null
        : Cursors.TryRepository(text, out var after) ? after
        : Fail<RepositoryKey?>("cursor", "cursor must be the 'next' value of the previous page of /api/repositories, as it was sent; leave it out for the first page.");

    /// <summary><c>cursor</c> of a delivery list: the <c>next</c> of the previous page.</summary>
    public DeliveryCursor? DeliveryCursor() => Single("cursor") is not { } text ? null
        : Cursors.TryDelivery(text, out var after) ? after
        : Fail<DeliveryCursor?>("cursor", "cursor must be the 'next' value of the previous page of this delivery list, as it was sent; leave it out for the first page.");

    private string? Single(string name)
    {
        var values = query[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0] ?? "",
            _ => Fail<string?>(name, $"send {name} at most once."),
        };
    }

    private T Fail<T>(string name, string error)
    {
        _errors.TryAdd(name, [error]);
        return default!;
    }
}
