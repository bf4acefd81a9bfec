using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.GitHubApiEmulator.Description;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.GitHubApiEmulator.Http;

/// <summary>A request that passed routing, authentication, the rate limit and the description: what an endpoint gets.</summary>
public sealed record ApiCall(
    DescribedOperation Operation,
    IReadOnlyDictionary<string, string> PathValues,
    IQueryCollection Query,
    JsonElement? Body,
    Identity Identity,
    IssuedToken? Token,
    DateTimeOffset Now)
{
    /// <summary>
    /// The API's address as this request reached it, without a trailing slash: <c>http://127.0.0.1:41234</c>, or with
    /// <c>/api/v3</c> for a GitHub Enterprise client. Links in the answer (<c>Link</c>) point where the client already goes.
    /// </summary>
    public string ApiBase { get; init; } = "";

    public string Path(string name) => PathValues[name];

    public long PathId(string name) => long.Parse(PathValues[name], System.Globalization.CultureInfo.InvariantCulture);

    public int QueryInt(string name, int fallback) =>
        Query.TryGetValue(name, out var v) && int.TryParse(v.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : fallback;

    public string? QueryText(string name) => Query.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>A string member of the body; null when absent or JSON null.</summary>
    public string? Text(string name) =>
        Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public bool Has(string name) => Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty(name, out _);

    public DateTimeOffset? Time(string name) => Text(name) is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;

    public JsonElement? Member(string name) =>
        Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
}

/// <summary>What an endpoint answers: a status, a JSON body (or none) and extra headers.</summary>
public sealed record ApiAnswer(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null);
