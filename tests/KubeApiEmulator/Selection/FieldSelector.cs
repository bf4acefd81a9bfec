using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Selection;

/// <summary>A <c>fieldSelector</c> over the two fields every kind supports: <c>metadata.name</c> and <c>metadata.namespace</c>.</summary>
public sealed class FieldSelector
{
    private sealed record Term(string Field, bool Equal, string Value);

    private readonly IReadOnlyList<Term> _terms;

    private FieldSelector(IReadOnlyList<Term> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<Term>();
        foreach (var raw in text.Split(','))
        {
            var (at, length, equal) = raw.IndexOf("!=", StringComparison.Ordinal) is var ne and >= 0 ? (ne, 2, false)
                : raw.IndexOf("==", StringComparison.Ordinal) is var ee and >= 0 ? (ee, 2, true)
                : raw.IndexOf('=', StringComparison.Ordinal) is var e and >= 0 ? (e, 1, true)
                : throw KubeStatusException.BadRequest($"invalid selector: '{text}'; can't understand '{raw}'");
            var field = raw[..at].Trim();
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw KubeStatusException.BadRequest($"field label not supported: {field}");
            }

            terms.Add(new(field, equal, raw[(at + length)..].Trim()));
        }

        return new(terms);
    }

    public bool Matches(JsonObject obj) => _terms.All(t =>
    {
        var actual = obj["metadata"]?[t.Field["metadata.".Length..]]?.GetValue<string>() ?? "";
        return (actual == t.Value) == t.Equal;
    });
}
