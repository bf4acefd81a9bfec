using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Api.Inspection;

/// <summary>
/// The opaque <c>cursor</c> values of the inspection lists: base64url of where the previous page ended, prefixed
/// with what they page, so that a cursor of one list is refused by the other.
/// </summary>
internal static class Cursors
{
    private const string RepositoryPrefix = "r1:";
    private const string DeliveryPrefix = "d1:";

    /// <summary>The cursor that continues after the repository.</summary>
    public static string After(RepositoryKey repository) => Encode(RepositoryPrefix + repository.Value);

    /// <summary>The cursor that continues after the delivery.</summary>
    public static string After(DeliveryRecord record) =>
        Encode(FormattableString.Invariant($"{DeliveryPrefix}{record.ReceivedAt.UtcTicks}:{record.Delivery.Value}"));

    public static bool TryRepository(string cursor, out RepositoryKey repository)
    {
        repository = default;
        return TryDecode(cursor, RepositoryPrefix, out var text) && RepositoryKey.TryParse(text, out repository);
    }

    public static bool TryDelivery(string cursor, [NotNullWhen(true)] out DeliveryCursor? after)
    {
        after = null;
        if (!TryDecode(cursor, DeliveryPrefix, out var text) || text.Split(':', 2) is not [var ticks, var id]
            || !long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks)
            || utcTicks > DateTimeOffset.MaxValue.UtcTicks || !DeliveryId.TryParse(id, out var delivery))
        {
            return false;
        }

        after = new DeliveryCursor(delivery, new DateTimeOffset(utcTicks, TimeSpan.Zero));
        return true;
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static bool TryDecode(string cursor, string prefix, [NotNullWhen(true)] out string? text)
    {
        text = null;
        if (cursor.Length > 512 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        try
        {
            var decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
            text = decoded.StartsWith(prefix, StringComparison.Ordinal) ? decoded[prefix.Length..] : null;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            // Not base64url of UTF-8: not a cursor this handler made.
        }

        return text is not null;
    }
}
