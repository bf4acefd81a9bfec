using System.Globalization;
using System.Text.RegularExpressions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// Bounds on every string intake stores. A payload is signed, not trusted: each field is checked against its
/// shape, and a refusal names the field and the rule (never echoes the value).
/// </summary>
internal static partial class PayloadRules
{
    /// <summary>Longest URL kept.</summary>
    public const int MaxUrlLength = 2048;

    [GeneratedRegex(@"\A[0-9a-f]{40}\z")]
    private static partial Regex Sha();

    [GeneratedRegex(@"\A[a-z_]{1,64}\z")]
    private static partial Regex Word();

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,100}\z")]
    private static partial Regex DispatchType();

    [GeneratedRegex(@"\A[A-Za-z0-9-]{1,39}(\[bot\])?\z")]
    private static partial Regex LoginShape();

    [GeneratedRegex(@"\A[A-Z_]{1,32}\z")]
    private static partial Regex AssociationShape();

    /// <summary>Largest issue or pull request number accepted (nine digits, as in <c>refs/pull/N/head</c>).</summary>
    public const int MaxNumber = 999_999_999;

    /// <summary>Whether <paramref name="value"/> is a commit id: 40 lower-case hex digits.</summary>
    public static bool IsSha(string value) => Sha().IsMatch(value);

    /// <summary>An action as GitHub's own are: <c>[a-z_]{1,64}</c> (the event's name has the same shape, see <see cref="EventType"/>).</summary>
    public static bool IsWord(string value) => Word().IsMatch(value);

    /// <summary>A string field, or null when it is missing or JSON null; anything else is refused.</summary>
    public static string? OptionalString(PayloadFields fields, string path)
    {
        var field = fields[path];
        return field.Kind switch
        {
            FieldKind.Missing or FieldKind.Null => null,
            FieldKind.String => field.Text,
            FieldKind.TooLong => throw Refused(path, $"is longer than {PayloadPaths.MaxRawBytes(path)} bytes"),
            FieldKind.Repeated => throw Refused(path, "appears more than once"),
            _ => throw Refused(path, "must be a string"),
        };
    }

    public static string RequiredString(PayloadFields fields, string path) =>
        OptionalString(fields, path) ?? throw Refused(path, "is missing");

    /// <summary>A repository's <c>owner/name</c>, as <see cref="RepositoryKey"/> accepts it.</summary>
    public static string RepositoryName(PayloadFields fields, string path)
    {
        var fullName = RequiredString(fields, path);
        return RepositoryKey.TryParse(fullName, out _)
            ? fullName
            : throw Refused(path, "is not owner/name: ASCII letters, digits and '-' or '_' (at most 39) / letters, digits, '.', '-' or '_' (at most 100)");
    }

    /// <summary>A commit id: 40 lower-case hex digits; empty when <paramref name="required"/> is false and there is none.</summary>
    public static string Revision(PayloadFields fields, string path, bool required)
    {
        var value = required ? RequiredString(fields, path) : OptionalString(fields, path) ?? "";
        return (value.Length == 0 && !required) || Sha().IsMatch(value) ? value : throw Refused(path, "is not 40 lower-case hex digits");
    }

    /// <summary>A full ref under <c>refs/heads/</c> or <c>refs/tags/</c> with a valid name.</summary>
    public static GitRef FullRef(string path, string value) =>
        GitRef.TryParse(value, out var gitRef) && (gitRef.IsBranch || gitRef.IsTag) ? gitRef : throw Refused(path, RefRule);

    /// <summary>A full ref under <c>refs/heads/</c> with a valid name.</summary>
    public static GitRef FullBranchRef(string path, string value) =>
        GitRef.TryParse(value, out var gitRef) && gitRef.IsBranch ? gitRef : throw Refused(path, BranchRule);

    /// <summary>A branch or tag name without its prefix.</summary>
    public static string ShortRef(string path, string value) =>
        GitRefName.IsValidShortName(value) ? value : throw Refused(path, RefRule);

    /// <summary>
    /// The payload's action, or empty when there is none: GitHub's own are <c>[a-z_]{1,64}</c>; a
    /// <c>repository_dispatch</c> carries the sender's event type there, which GitHub caps at 100 characters and
    /// which is kept to <c>[A-Za-z0-9._-]</c>.
    /// </summary>
    public static string Action(PayloadFields fields, EventType eventType)
    {
        var action = OptionalString(fields, "action") ?? "";
        if (eventType.Kind == EventKind.RepositoryDispatch)
        {
            return action.Length == 0 || DispatchType().IsMatch(action) ? action : throw Refused("action", "is not [A-Za-z0-9._-]{1,100}");
        }

        return action.Length == 0 || IsWord(action) ? action : throw Refused("action", "is not [a-z_]{1,64}");
    }

    /// <summary>
    /// A repository URL: at most <see cref="MaxUrlLength"/> characters, no control characters or spaces, and no
    /// credentials: the user and password of <c>scheme://user:password@host/</c> are removed (for <c>ssh://</c>
    /// only the password, as the user is how ssh is told whom to log in as). A URL that does not parse is kept as
    /// it is, for the git policy to refuse when it is used.
    /// </summary>
    public static string Url(PayloadFields fields, string path)
    {
        var value = OptionalString(fields, path) ?? "";
        if (value.Length > MaxUrlLength)
        {
            throw Refused(path, $"is longer than {MaxUrlLength} characters");
        }

        if (value.Any(c => c <= ' ' || char.IsControl(c)))
        {
            throw Refused(path, "contains spaces or control characters");
        }

        return WithoutCredentials(value);
    }

    /// <summary>
    /// The GitHub App installation the event came through (<c>installation.id</c>, a positive 64-bit integer), or null
    /// when the hook is not an App's.
    /// </summary>
    public static long? Installation(PayloadFields fields)
    {
        switch (fields["installation"].Kind)
        {
            case FieldKind.Missing or FieldKind.Null:
                return null;
            case not FieldKind.Object:
                throw Refused("installation", "must be an object");
        }

        var id = fields["installation.id"];
        return id.Kind == FieldKind.Number && long.TryParse(id.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw Refused("installation.id", "must be a positive integer of at most 19 digits");
    }

    /// <summary>
    /// A GitHub login: <c>[A-Za-z0-9-]{1,39}</c>, optionally followed by <c>[bot]</c> (an App's account, e.g.
    /// <c>dependabot[bot]</c>).
    /// </summary>
    public static string Login(PayloadFields fields, string path) =>
        Matching(fields, path, LoginShape(), "is not a login: [A-Za-z0-9-]{1,39}, optionally followed by [bot]");

    /// <summary>An <c>author_association</c> as GitHub writes them (<c>OWNER</c>, <c>FIRST_TIME_CONTRIBUTOR</c>, ...): <c>[A-Z_]{1,32}</c>.</summary>
    public static string AuthorAssociation(PayloadFields fields, string path) =>
        Matching(fields, path, AssociationShape(), "is not [A-Z_]{1,32}");

    /// <summary>An issue or pull request number: a JSON integer from 1 to <see cref="MaxNumber"/>, digits only.</summary>
    public static int Number(PayloadFields fields, string path)
    {
        var field = fields[path];
        return field.Kind switch
        {
            FieldKind.Number when int.TryParse(field.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxNumber => value,
            FieldKind.Missing or FieldKind.Null => throw Refused(path, "is missing"),
            FieldKind.Repeated => throw Refused(path, "appears more than once"),
            _ => throw Refused(path, $"must be an integer from 1 to {MaxNumber}"),
        };
    }

    /// <summary>Whether an object is there: true for an object, false when it is missing or JSON null; anything else is refused.</summary>
    public static bool ObjectOrAbsent(PayloadFields fields, string path) => fields[path].Kind switch
    {
        FieldKind.Object => true,
        FieldKind.Missing or FieldKind.Null => false,
        FieldKind.Repeated => throw Refused(path, "appears more than once"),
        FieldKind.OutOfBounds => throw Refused(path, fields[path].Text!),
        _ => throw Refused(path, "must be an object"),
    };

    /// <summary>An object that must be there.</summary>
    public static void RequiredObject(PayloadFields fields, string path)
    {
        if (!ObjectOrAbsent(fields, path))
        {
            throw Refused(path, "is missing");
        }
    }

    /// <summary>A flag: true or false; missing or JSON null is false.</summary>
    public static bool Flag(PayloadFields fields, string path) => fields[path].Kind switch
    {
        FieldKind.True => true,
        FieldKind.False or FieldKind.Missing or FieldKind.Null => false,
        FieldKind.Repeated => throw Refused(path, "appears more than once"),
        _ => throw Refused(path, "must be true or false"),
    };

    public static WebhookPayloadException Refused(string path, string rule) => new($"{path} {rule}");

    private static string Matching(PayloadFields fields, string path, Regex shape, string rule)
    {
        var value = RequiredString(fields, path);
        return shape.IsMatch(value) ? value : throw Refused(path, rule);
    }

    private static readonly string NameRule =
        $"and a name of at most {GitRefName.MaxBytes} printable ASCII characters " +
        "that git check-ref-format accepts (no space, ~^:?*[\\, '..', '@{', '//', '.lock' or leading '.' in a component, no trailing '/' or '.')";

    private static readonly string RefRule = "is not a valid branch or tag: refs/heads/ or refs/tags/ " + NameRule;

    private static readonly string BranchRule = "is not a valid branch: refs/heads/ " + NameRule;

    private static string WithoutCredentials(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            // No authority (scp-like git@host:owner/name.git, or not a URL at all): nothing that is a password.
            return url;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = authorityEnd < 0 ? url[authorityStart..] : url[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        if (at < 0)
        {
            return url;
        }

        var userInfo = authority[..at];
        var keep = url[..schemeEnd].Equals("ssh", StringComparison.OrdinalIgnoreCase) && userInfo.Split(':')[0] is { Length: > 0 } user
            ? user + "@"
            : "";
        return url[..authorityStart] + keep + authority[(at + 1)..] + (authorityEnd < 0 ? "" : url[authorityEnd..]);
    }
}
