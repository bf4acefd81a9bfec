using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization;

namespace K8sWebhookHandler.Abstractions.Identity;

/// <summary>What a <see cref="GitRef"/> names.</summary>
public enum GitRefKind
{
    /// <summary>No ref: a check event whose suite has no head branch (a fork's, say).</summary>
    None,

    /// <summary><c>refs/heads/NAME</c>.</summary>
    Branch,

    /// <summary><c>refs/tags/NAME</c>.</summary>
    Tag,

    /// <summary><c>refs/pull/N/head</c>: a pull request's head; or <c>refs/pull/N/merge</c>, the test merge GitHub prepares for it.</summary>
    PullRequest,
}

/// <summary>
/// A full git ref as the handler accepts it, parsed once: a branch or tag whose short name passes
/// <see cref="GitRefName.IsValidShortName"/>, a pull request's head, or none. It is written (in JSON, in
/// annotations, in logs) as the full ref, e.g. <c>refs/heads/main</c>; none is the empty string.
/// </summary>
[GenerateSerializer, Immutable, Alias("git-ref")]
[JsonConverter(typeof(ParsableJsonConverter<GitRef>))]
public readonly record struct GitRef : IComparable<GitRef>, IParsable<GitRef>
{
    private const string BranchPrefix = "refs/heads/";
    private const string TagPrefix = "refs/tags/";
    private const string PullPrefix = "refs/pull/";
    private const string PullSuffix = "/head";
    private const string MergeSuffix = "/merge";

    [Id(0)]
    private readonly string? _value;

    private GitRef(string value) => _value = value;

    /// <summary>No ref.</summary>
    public static GitRef None => default;

    /// <summary>The full ref, e.g. <c>refs/heads/main</c>; empty for <see cref="None"/>.</summary>
    public string Value => _value ?? "";

    public GitRefKind Kind => Value switch
    {
        "" => GitRefKind.None,
        var v when v.StartsWith(BranchPrefix, StringComparison.Ordinal) => GitRefKind.Branch,
        var v when v.StartsWith(TagPrefix, StringComparison.Ordinal) => GitRefKind.Tag,
        _ => GitRefKind.PullRequest,
    };

    /// <summary>The branch or tag name without its prefix, the pull request's number, or empty for none.</summary>
    public string ShortName => Kind switch
    {
        GitRefKind.Branch => Value[BranchPrefix.Length..],
        GitRefKind.Tag => Value[TagPrefix.Length..],
        GitRefKind.PullRequest => Value[PullPrefix.Length..Value.LastIndexOf('/')],
        _ => "",
    };

    public bool IsBranch => Kind == GitRefKind.Branch;

    public bool IsTag => Kind == GitRefKind.Tag;

    public bool IsNone => Kind == GitRefKind.None;

    /// <summary><c>refs/heads/NAME</c>; throws <see cref="FormatException"/> for a name git or the handler refuses.</summary>
    public static GitRef Branch(string name) =>
        GitRefName.IsValidShortName(name) ? new GitRef(BranchPrefix + name) : throw new FormatException($"'{name}' is not a valid branch name");

    /// <summary><c>refs/tags/NAME</c>; throws <see cref="FormatException"/> for a name git or the handler refuses.</summary>
    public static GitRef Tag(string name) =>
        GitRefName.IsValidShortName(name) ? new GitRef(TagPrefix + name) : throw new FormatException($"'{name}' is not a valid tag name");

    /// <summary><c>refs/pull/N/head</c> for a pull request number from 1.</summary>
    public static GitRef PullRequest(int number) => new(PullPrefix + PullNumber(number) + PullSuffix);

    /// <summary><c>refs/pull/N/merge</c>, the test merge commit GitHub prepares for a pull request number from 1.</summary>
    public static GitRef PullRequestMerge(int number) => new(PullPrefix + PullNumber(number) + MergeSuffix);

    /// <summary>Whether this is a pull request's test merge ref (<c>refs/pull/N/merge</c>), not its head.</summary>
    public bool IsPullRequestMerge => Kind == GitRefKind.PullRequest && Value.EndsWith(MergeSuffix, StringComparison.Ordinal);

    public static GitRef Parse(string value) =>
        TryParse(value, out var parsed) ? parsed : throw new FormatException($"'{value}' is not a branch, tag or pull request ref");

    /// <summary>Whether <paramref name="value"/> is empty (none), a valid branch or tag ref, or <c>refs/pull/N/head</c> or <c>refs/pull/N/merge</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out GitRef gitRef)
    {
        gitRef = default;
        if (value is null)
        {
            return false;
        }

        if (value.Length == 0)
        {
            return true;
        }

        if ((value.StartsWith(BranchPrefix, StringComparison.Ordinal) && GitRefName.IsValidShortName(value[BranchPrefix.Length..]))
            || (value.StartsWith(TagPrefix, StringComparison.Ordinal) && GitRefName.IsValidShortName(value[TagPrefix.Length..]))
            || IsPullRequest(value))
        {
            gitRef = new GitRef(value);
            return true;
        }

        return false;
    }

    public int CompareTo(GitRef other) => string.CompareOrdinal(Value, other.Value);

    static GitRef IParsable<GitRef>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<GitRef>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out GitRef result) => TryParse(s, out result);

    public override string ToString() => Value;

    private static string PullNumber(int number) => number > 0
        ? number.ToString(CultureInfo.InvariantCulture)
        : throw new ArgumentOutOfRangeException(nameof(number), number, "a pull request number starts at 1");

    private static bool IsPullRequest(string value)
    {
        var suffix = value.EndsWith(PullSuffix, StringComparison.Ordinal) ? PullSuffix : value.EndsWith(MergeSuffix, StringComparison.Ordinal) ? MergeSuffix : null;
        if (!value.StartsWith(PullPrefix, StringComparison.Ordinal) || suffix is null || value.Length <= PullPrefix.Length + suffix.Length)
        {
            return false;
        }

        var number = value[PullPrefix.Length..^suffix.Length];
        return number.Length <= 9 && number[0] != '0' && number.All(char.IsAsciiDigit);
    }
}
