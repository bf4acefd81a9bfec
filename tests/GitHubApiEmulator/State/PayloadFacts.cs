using System.Text.Json;

namespace K8sWebhookHandler.GitHubApiEmulator.State;

/// <summary>
/// What a delivery log records of a payload, as GitHub reads it: <c>action</c>, <c>installation.id</c> and the
/// repository (<c>repository.full_name</c>, <c>repository.id</c>). A payload that is not a JSON object has none of them.
/// </summary>
internal sealed record PayloadFacts(string? Action, long? InstallationId, string? RepositoryFullName, long? RepositoryId)
{
    private static readonly PayloadFacts None = new(null, null, null, null);

    public static PayloadFacts Read(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return None;
            }

            var repository = Member(root, "repository");
            return new PayloadFacts(
                Member(root, "action") is { ValueKind: JsonValueKind.String } action ? action.GetString() : null,
                Number(Member(root, "installation") is { } installation ? Member(installation, "id") : null),
                repository is { } r && Member(r, "full_name") is { ValueKind: JsonValueKind.String } name ? name.GetString() : null,
                Number(repository is { } s ? Member(s, "id") : null));
        }
        catch (JsonException)
        {
            return None;
        }
    }

    /// <summary>
    /// An id for a repository the catalog does not know, derived from its name (case aside): the same in every process
    /// and run, and far from the catalog's own ids.
    /// </summary>
    public static long StableRepositoryId(string fullName) =>
        700_000_000 + fullName.Aggregate(17L, (hash, c) => ((hash * 31) + char.ToLowerInvariant(c)) % 100_000_000);

    private static JsonElement? Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    private static long? Number(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var value) ? value : null;
}
