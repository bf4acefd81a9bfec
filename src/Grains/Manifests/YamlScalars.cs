using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// Resolves untagged plain scalars the way kubectl's YAML reader does (go-yaml v2, YAML 1.1 rules, then
/// JSON): <c>yes</c>/<c>no</c>/<c>on</c>/<c>off</c>/<c>y</c>/<c>n</c> are booleans, <c>0777</c> is octal,
/// <c>0x1F</c> hex, <c>0b101</c> binary, underscores are ignored in numbers, timestamps stay strings, and a
/// float that is a whole number is sent as an integer.
/// </summary>
public static class YamlScalars
{
    public static JsonNode? ResolvePlain(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                return JsonValue.Create(false);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF" or ".nan" or ".NaN" or ".NAN":
                throw new DeliveryRefusedException($"the value {value} cannot be represented in JSON");
        }

        if (!"-+0123456789.".Contains(value[0], StringComparison.Ordinal))
        {
            return JsonValue.Create(value);
        }

        var plain = value.Replace("_", "", StringComparison.Ordinal);
        if (ParseInteger(plain) is { } integer)
        {
            return JsonValue.Create(integer);
        }

        if (LooksLikeDecimalFloat(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return Number(real);
        }

        return JsonValue.Create(value);
    }

    /// <summary>A float as the Kubernetes JSON decoder hands it on: whole numbers become integers.</summary>
    public static JsonNode Number(double real)
    {
        if (double.IsNaN(real) || double.IsInfinity(real))
        {
            throw new DeliveryRefusedException($"the value {real} cannot be represented in JSON");
        }

        return Math.Floor(real) == real && Math.Abs(real) < 9.2e18 ? JsonValue.Create((long)real) : JsonValue.Create(real);
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 0, 64)</c>: decimal, <c>0x</c> hex, <c>0o</c>/<c>0</c> octal, <c>0b</c> binary.</summary>
    private static long? ParseInteger(string text)
    {
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('-', '+');
        if (text.Length - digits.Length > 1 || digits.Length == 0)
        {
            return null;
        }

        var (radix, body) = digits switch
        {
            _ when digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => (16, digits[2..]),
            _ when digits.StartsWith("0b", StringComparison.OrdinalIgnoreCase) => (2, digits[2..]),
            _ when digits.StartsWith("0o", StringComparison.OrdinalIgnoreCase) => (8, digits[2..]),
            _ when digits.Length > 1 && digits[0] == '0' => (8, digits[1..]),
            _ => (10, digits),
        };
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            var magnitude = radix == 10
                ? long.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture)
                : Convert.ToInt64(body, radix);
            return negative ? -magnitude : magnitude;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    private static bool LooksLikeDecimalFloat(string text)
    {
        var digits = text.TrimStart('-', '+');
        return digits.Length > 0 && digits.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '-' or '+') && digits.Any(char.IsAsciiDigit);
    }
}
