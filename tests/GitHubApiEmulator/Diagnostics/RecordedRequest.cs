using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.GitHubApiEmulator.Description;
using Microsoft.AspNetCore.WebUtilities;

namespace K8sWebhookHandler.GitHubApiEmulator.Diagnostics;

/// <summary>
/// One request as the emulator received it (the path as on api.github.com, without a GitHub Enterprise
/// <c>/api/v3</c> prefix), who sent it, how it was answered, and where it or the answer broke the description.
/// </summary>
public sealed class RecordedRequest(string method, string path, string query, string body, string? userAgent, string? apiVersion)
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Method { get; } = method;

    public string Path { get; } = path;

    public string Query { get; } = query;

    public string Body { get; } = body;

    public string? UserAgent { get; } = userAgent;

    /// <summary>The <c>X-GitHub-Api-Version</c> header as sent, or null.</summary>
    public string? ApiVersion { get; } = apiVersion;

    /// <summary>The description's operation id (<c>repos/create-commit-status</c>), once routed; null for an unknown route.</summary>
    public string? OperationId { get; internal set; }

    /// <summary>Who sent it; null until the credentials were read (a request failed by a fault never gets that far).</summary>
    public Identity? Identity { get; internal set; }

    /// <summary>The status answered; 0 until the request is finished.</summary>
    public int StatusCode { get; private set; }

    /// <summary>Where the request broke GitHub's OpenAPI description (unknown route, parameter, body); empty if it did not.</summary>
    public IReadOnlyList<Violation> Violations { get; internal set; } = [];

    /// <summary>Where the emulator's own answer broke the description's response schema; empty if it did not.</summary>
    public IReadOnlyList<Violation> ResponseViolations { get; internal set; } = [];

    /// <summary>Completes when the emulator has finished with the request, even if the client gave up on it.</summary>
    public Task Completed => _completed.Task;

    /// <summary>The value of one query parameter, or null.</summary>
    public string? QueryValue(string name) => QueryHelpers.ParseQuery(Query).TryGetValue(name, out var v) ? v.ToString() : null;

    public override string ToString() => $"{Method} {Path}{Query} by {Identity?.ToString() ?? "?"} -> {StatusCode}" +
        (Violations.Count > 0 ? $" violations: {string.Join("; ", Violations)}" : "");

    internal void Complete(int statusCode)
    {
        StatusCode = statusCode;
        _completed.TrySetResult();
    }
}
