using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace K8sWebhookHandler.Grains.Identity;

/// <summary>
/// A repository's identity: the canonical lower-case <c>owner/name</c>. GitHub treats names
/// case-insensitively, so <c>Octo/Hello</c> and <c>octo/hello</c> are one repository and one grain.
/// </summary>
[GenerateSerializer, Immutable, Alias("repository-key")]
[JsonConverter(typeof(RepositoryKeyJsonConverter))]
public readonly partial record struct RepositoryKey
{
    private RepositoryKey(string value) => Value = value;

    [Id(0)]
    public string Value { get; }

    public string Owner => Value[..Value.IndexOf('/', StringComparison.Ordinal)];

    public string Name => Value[(Value.IndexOf('/', StringComparison.Ordinal) + 1)..];

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}/[a-z0-9._-]{1,100}$")]
    private static partial Regex Shape();

    public static RepositoryKey Parse(string fullName) =>
        TryParse(fullName, out var key) ? key : throw new FormatException($"'{fullName}' is not a repository name of the form owner/name");

    public static bool TryParse([NotNullWhen(true)] string? fullName, out RepositoryKey key)
    {
        var canonical = fullName?.Trim().ToLowerInvariant();
        if (canonical is not null && Shape().IsMatch(canonical) && canonical.Split('/')[1] is not ("." or ".."))
        {
            key = new RepositoryKey(canonical);
            return true;
        }

        key = default;
        return false;
    }

    public override string ToString() => Value;
}

internal sealed class RepositoryKeyJsonConverter : JsonConverter<RepositoryKey>
{
    public override RepositoryKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RepositoryKey.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, RepositoryKey value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
