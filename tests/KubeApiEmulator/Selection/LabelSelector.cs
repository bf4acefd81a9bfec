using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Selection;

/// <summary>
/// A parsed <c>labelSelector</c> query: <c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>, <c>key</c>,
/// <c>!key</c>, <c>&gt;</c> and <c>&lt;</c>, comma-separated and all required.
/// </summary>
public sealed class LabelSelector
{
    private enum Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan }

    private sealed record Requirement(string Key, Op Op, IReadOnlyList<string> Values);

    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Parses a selector; a malformed one is a 400 with the parser's reason, as on a real server.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        return new(SplitRequirements(text).Select(ParseRequirement).ToArray());
    }

    public bool Matches(JsonObject obj)
    {
        var labels = obj["metadata"]?["labels"] as JsonObject;
        return _requirements.All(r => Matches(r, labels?[r.Key]?.GetValue<string>()));
    }

    private static bool Matches(Requirement r, string? value) => r.Op switch
    {
        Op.Exists => value is not null,
        Op.DoesNotExist => value is null,
        Op.Equals or Op.In => value is not null && r.Values.Contains(value),
        Op.NotEquals or Op.NotIn => value is null || !r.Values.Contains(value),
        Op.GreaterThan => long.TryParse(value, out var gt) && gt > long.Parse(r.Values[0], System.Globalization.CultureInfo.InvariantCulture),
        Op.LessThan => long.TryParse(value, out var lt) && lt < long.Parse(r.Values[0], System.Globalization.CultureInfo.InvariantCulture),
        _ => false,
    };

    private static IEnumerable<string> SplitRequirements(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string raw)
    {
        var text = raw.Trim();
        if (text.Length == 0)
        {
            throw Error(raw, "found '', expected: identifier");
        }

        if (text.StartsWith('!'))
        {
            return new(Key(text[1..].Trim(), raw), Op.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", Op.NotEquals), ("==", Op.Equals), ("=", Op.Equals), (">", Op.GreaterThan), ("<", Op.LessThan) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at > 0 && !text[..at].Contains(' ', StringComparison.Ordinal))
            {
                var value = text[(at + token.Length)..].Trim();
                if (op is Op.GreaterThan or Op.LessThan && !long.TryParse(value, out _))
                {
                    throw Error(raw, $"for '{token}' operator, the value must be an integer");
                }

                return new(Key(text[..at].Trim(), raw), op, [Value(value, raw)]);
            }
        }

        var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            return new(Key(parts[0], raw), Op.Exists, []);
        }

        var rest = parts[1];
        Op setOp;
        if (rest.StartsWith("notin", StringComparison.Ordinal))
        {
            setOp = Op.NotIn;
            rest = rest[5..].Trim();
        }
        else if (rest.StartsWith("in", StringComparison.Ordinal))
        {
            setOp = Op.In;
            rest = rest[2..].Trim();
        }
        else
        {
            throw Error(raw, $"found '{rest}', expected: in, notin, =, ==, !=, gt, lt");
        }

        if (!rest.StartsWith('(') || !rest.EndsWith(')'))
        {
            throw Error(raw, $"found '{rest}', expected: '('");
        }

        var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries).Select(v => Value(v, raw)).ToArray();
        return new(Key(parts[0], raw), setOp, values);
    }

    private static string Key(string key, string raw)
    {
        var errors = Validation.NameValidation.CheckQualifiedName(key);
        return errors.Count == 0 ? key : throw Error(raw, $"invalid label key \"{key}\": {errors[0]}");
    }

    private static string Value(string value, string raw)
    {
        var errors = Validation.NameValidation.CheckLabelValue(value);
        return errors.Count == 0 ? value : throw Error(raw, $"invalid label value: \"{value}\": {errors[0]}");
    }

    private static KubeStatusException Error(string raw, string why) =>
        KubeStatusException.BadRequest($"unable to parse requirement: {why} in \"{raw.Trim()}\"");
}
