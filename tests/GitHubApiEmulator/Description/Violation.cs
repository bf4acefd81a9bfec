namespace K8sWebhookHandler.GitHubApiEmulator.Description;

/// <summary>
/// Where a request (or one of the emulator's own answers) breaks GitHub's OpenAPI description: <see cref="Where"/>
/// names the part (<c>route</c>, <c>path/check_run_id</c>, <c>query/status</c>, <c>body/output/summary</c>,
/// <c>response/201/id</c>), <see cref="Message"/> says how, in the words GitHub's 422 answers use.
/// </summary>
public sealed record Violation(string Where, string Message)
{
    public override string ToString() => $"{Where}: {Message}";
}
