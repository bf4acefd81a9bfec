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
            FieldKind.TooLong => throw Refused(path, $"is longer than {PayloadFields.MaxRawStringBytes} bytes"),
            FieldKind.Repeated => throw Refused(path, "appears more than once"),
            _ => throw Refused(path, "must be a string"),
        };
    }

    public static string RequiredString(PayloadFields fields, string path) =>
        OptionalString(fields, path) ?? throw Refused(path, "is missing");

    /// <summary>A commit id: 40 lower-case hex digits; empty when <paramref name="required"/> is false and there is none.</summary>
    public static string Revision(PayloadFields fields, string path, bool required)
    {
        var value = required ? RequiredString(fields, path) : OptionalString(fields, path) ?? "";
        return (value.Length == 0 && !required) || Sha().IsMatch(value) ? value : throw Refused(path, "is not 40 lower-case hex digits");
    }

    /// <summary>A full ref under <c>refs/heads/</c> or <c>refs/tags/</c> with a valid name.</summary>
    public static GitRef FullRef(string path, string value) =>
        GitRef.TryParse(value, out var gitRef) && (gitRef.IsBranch || gitRef.IsTag) ? gitRef : throw Refused(path, RefRule);

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
        return id.Kind == FieldKind.Number && long.TryParse(id.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw Refused("installation.id", "must be a positive integer of at most 19 digits");
    }

    public static WebhookPayloadException Refused(string path, string rule) => new($"{path} {rule}");

    private static readonly string RefRule =
        $"is not a valid branch or tag: refs/heads/ or refs/tags/ and a name of at most {GitRefName.MaxBytes} printable ASCII characters " +
        "that git check-ref-format accepts (no space, ~^:?*[\\, '..', '@{', '//', '.lock' or leading '.' in a component, no trailing '/' or '.')";

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
