using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace K8sWebhookHandler.Abstractions.Identity;

/// <summary>
/// A repository's identity: the canonical lower-case <c>owner/name</c>. GitHub treats names
/// case-insensitively, so <c>Octo/Hello</c> and <c>octo/hello</c> are one repository and one grain.
/// Anything else is refused, never folded: no trimming, ASCII only. The owner is <c>[A-Za-z0-9_-]</c>, at most
/// 39, not starting with <c>-</c> or <c>_</c> (the <c>_</c> is for Enterprise Managed Users' <c>name_shortcode</c>
/// logins); the name is <c>[A-Za-z0-9._-]</c>, at most 100, not <c>.</c> or <c>..</c>. So no two different
/// names (a Kelvin sign for a K, a padded name) can share a key.
/// </summary>
[GenerateSerializer, Immutable, Alias("repository-key")]
[JsonConverter(typeof(ParsableJsonConverter<RepositoryKey>))]
public readonly partial record struct RepositoryKey : IParsable<RepositoryKey>
{
    private RepositoryKey(string value) => Value = value;

    [Id(0)]
    public string Value { get; }

    public string Owner => Value[..Value.IndexOf('/', StringComparison.Ordinal)];

    public string Name => Value[(Value.IndexOf('/', StringComparison.Ordinal) + 1)..];

    // \z, not $: $ would also match before a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_-]{0,38}/[A-Za-z0-9._-]{1,100}\z")]
    private static partial Regex Shape();

    public static RepositoryKey Parse(string fullName) =>
        TryParse(fullName, out var key) ? key : throw new FormatException($"'{fullName}' is not a repository name of the form owner/name");

    public static bool TryParse([NotNullWhen(true)] string? fullName, out RepositoryKey key)
    {
        if (fullName is not null && Shape().IsMatch(fullName) && fullName[(fullName.IndexOf('/', StringComparison.Ordinal) + 1)..] is not ("." or ".."))
        {
            // The shape admits ASCII only, so lower-casing cannot turn one character into another's lower case.
            key = new RepositoryKey(fullName.ToLowerInvariant());
            return true;
        }

        key = default;
        return false;
    }

    static RepositoryKey IParsable<RepositoryKey>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<RepositoryKey>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out RepositoryKey result) => TryParse(s, out result);

    public override string ToString() => Value;
}
