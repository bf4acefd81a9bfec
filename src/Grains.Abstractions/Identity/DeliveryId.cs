using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace K8sWebhookHandler.Abstractions.Identity;

/// <summary>
/// GitHub's <c>X-GitHub-Delivery</c>: one id per delivery, repeated verbatim when a delivery is redelivered,
/// which is what makes redelivery detectable.
/// </summary>
[GenerateSerializer, Immutable, Alias("delivery-id")]
[JsonConverter(typeof(ParsableJsonConverter<DeliveryId>))]
public readonly partial record struct DeliveryId : IParsable<DeliveryId>
{
    private DeliveryId(string value) => Value = value;

    [Id(0)]
    public string Value { get; }

    // \z, not $: $ would also match before a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex Shape();

    public static DeliveryId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not a delivery id");

    public static bool TryParse([NotNullWhen(true)] string? value, out DeliveryId id)
    {
        if (value is not null && Shape().IsMatch(value))
        {
            id = new DeliveryId(value);
            return true;
        }

        id = default;
        return false;
    }

    static DeliveryId IParsable<DeliveryId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<DeliveryId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out DeliveryId result) => TryParse(s, out result);

    public override string ToString() => Value;
}
