using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>
/// Reads a YAML request body (apply patches, <c>application/yaml</c> creates) into JSON, resolving plain
/// scalars the way the API server's YAML decoder does (YAML 1.1: yes/no/on/off booleans, octal, hex).
/// </summary>
public static partial class YamlBody
{
    [GeneratedRegex("^[-+]?(0|[1-9][0-9_]*)$")]
    private static partial Regex Decimal();

    [GeneratedRegex("^[-+]?0[0-7_]+$")]
    private static partial Regex Octal();

    [GeneratedRegex("^[-+]?0x[0-9a-fA-F_]+$")]
    private static partial Regex Hex();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    public static JsonNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw KubeStatusException.BadRequest($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}");
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return JsonValue.Create(false);
        }

        var digits = value.Replace("_", "", StringComparison.Ordinal);
        if (Hex().IsMatch(value))
        {
            var negative = digits.StartsWith('-');
            var magnitude = long.Parse(digits.TrimStart('-', '+')[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return JsonValue.Create(negative ? -magnitude : magnitude);
        }

        if (Octal().IsMatch(value))
        {
            var negative = digits.StartsWith('-');
            var magnitude = System.Convert.ToInt64(digits.TrimStart('-', '+'), 8);
            return JsonValue.Create(negative ? -magnitude : magnitude);
        }

        if (Decimal().IsMatch(value) && long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (Float().IsMatch(value) && double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }
}
