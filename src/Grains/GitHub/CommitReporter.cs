using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Octokit;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// <see cref="ICommitReporter"/> through Octokit's typed clients. With a GitHub App (<c>Handler:GitHub:AppId</c>): check
/// runs, with the token of the installation the delivery named. Otherwise, with the configured token: commit statuses.
/// What each outcome becomes is <see cref="ReportShapes"/>'s; what each failure means is <see cref="GitHubFailure"/>'s.
/// A 401 renews an installation token once and retries; then, or with the configured token, it is transient.
/// </summary>
public sealed partial class CommitReporter : ICommitReporter, IDisposable
{
    /// <summary>Statuses are read a page of this many at a time, GitHub's largest.</summary>
    public const int PageSize = 100;

    private readonly GitHubOptions _options;
    private readonly IGitHubCredentials _credentials;
    private readonly GitHubApi _api;
    private readonly TimeProvider _time;
    private readonly ILogger<CommitReporter> _logger;

    public CommitReporter(IOptions<GitHubOptions> options, IGitHubCredentials credentials, TimeProvider time, ILogger<CommitReporter> logger)
    {
        (_options, _credentials, _time, _logger) = (options.Value, credentials, time, logger);
        var apiUrl = GitHubApiUrl.TryParse(_options.ApiUrl, out var url, out var problem)
            ? url
            : throw new InvalidOperationException($"Handler:GitHub:ApiUrl {problem}.");
        _api = new GitHubApi(apiUrl, _options.RequestTimeout, time);
    }

    public async Task<long?> SendAsync(CommitReport report, long? checkRun, CancellationToken cancellationToken)
    {
        var (owner, name) = (report.Repository.Owner, report.Repository.Name);
        if (!_options.IsApp)
        {
            await CallAsync(report, $"creating commit status '{report.Context}' on {Commit(report)}",
                client => client.Repository.Status.Create(owner, name, report.Sha, ReportShapes.NewStatus(report)), cancellationToken).ConfigureAwait(false);
            LogSent(_logger, report.Repository.Value, report.Sha, report.Context, report.Outcome, "commit status");
            return null;
        }

        var run = checkRun is { } id
            ? await CallAsync(report, $"updating check run {id} '{report.Context}' on {Commit(report)}",
                client => client.Check.Run.Update(owner, name, id, ReportShapes.CheckRunUpdate(report)), cancellationToken).ConfigureAwait(false)
            : await CallAsync(report, $"creating check run '{report.Context}' on {Commit(report)}",
                client => client.Check.Run.Create(owner, name, ReportShapes.NewCheckRun(report)), cancellationToken).ConfigureAwait(false);
        LogSent(_logger, report.Repository.Value, report.Sha, report.Context, report.Outcome, $"check run {run.Id}");
        return run.Id;
    }

    public Task<ShownReport?> ReadAsync(CommitReport report, CancellationToken cancellationToken) => _options.IsApp
        ? CallAsync(report, $"reading check run '{report.Context}' of {Commit(report)}", client => ReadCheckRunAsync(client, report), cancellationToken)
        : CallAsync(report, $"reading the commit statuses of {Commit(report)}", client => ReadStatusAsync(client, report), cancellationToken);

    public void Dispose() => _api.Dispose();

    /// <summary>The newest status of the context (GitHub lists a commit's statuses newest first, contexts without case), page by page.</summary>
    private static async Task<ShownReport?> ReadStatusAsync(GitHubClient client, CommitReport report)
    {
        for (var page = 1; ; page++)
        {
            var statuses = await client.Repository.Status.GetAll(report.Repository.Owner, report.Repository.Name, report.Sha,
                new ApiOptions { PageSize = PageSize, PageCount = 1, StartPage = page }).ConfigureAwait(false);
            if (statuses.FirstOrDefault(s => string.Equals(s.Context, report.Context, StringComparison.OrdinalIgnoreCase)) is { } newest)
            {
                return new ShownReport(ReportShapes.Matches(newest, report), null);
            }

            if (statuses.Count < PageSize)
            {
                return null;
            }
        }
    }

    /// <summary>This App's newest check run named by the context on the commit (another App may use the same name).</summary>
    private async Task<ShownReport?> ReadCheckRunAsync(GitHubClient client, CommitReport report)
    {
        var request = new CheckRunRequest { CheckName = report.Context, Filter = CheckRunCompletedAtFilter.Latest };
        var runs = await client.Check.Run.GetAllForReference(report.Repository.Owner, report.Repository.Name, report.Sha, request,
            new ApiOptions { PageSize = PageSize, PageCount = 1 }).ConfigureAwait(false);
        var ours = runs.CheckRuns.Where(r => r.App?.Id == _options.AppId && r.Name == report.Context).MaxBy(r => r.Id);
        return ours is null ? null : new ShownReport(ReportShapes.Matches(ours, report), ours.Id);
    }

    /// <summary>Runs <paramref name="call"/> with the report's credential, renewing it once after a 401, and turns failures into the two domain exceptions.</summary>
    private async Task<T> CallAsync<T>(CommitReport report, string doing, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken)
    {
        var credential = await CredentialAsync(report, cancellationToken).ConfigureAwait(false);
        for (var renewed = false; ; renewed = true)
        {
            try
            {
                return await call(_api.Client(credential, cancellationToken)).ConfigureAwait(false);
            }
            catch (AuthorizationException e)
            {
                if (renewed || !_credentials.Invalidate(credential))
                {
                    throw new TransientException($"GitHub answered 401 {doing}: it refused {credential}{(renewed ? ", a renewed one" : "")}. {Remedy()}", e);
                }

                LogRenewing(_logger, credential.ToString(), doing);
                credential = await CredentialAsync(report, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TransientException($"GitHub did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s (Handler:GitHub:RequestTimeout) {doing}.", e);
            }
            catch (Exception e) when (GitHubFailure.Of(e, doing, _time.GetUtcNow()) is { } failure)
            {
                throw failure;
            }
        }
    }

    private ValueTask<GitHubCredential> CredentialAsync(CommitReport report, CancellationToken cancellationToken) =>
        _options.IsApp && report.Installation is null
            ? throw new DeliveryRefusedException(
                $"Check runs on {Commit(report)} are reported as GitHub App {_options.AppId} with the token of the installation the event came from, and the event named none (installation.id): deliver the App's webhook events, or report commit statuses with a token (Handler:GitHub:Token, without Handler:GitHub:AppId).")
            : _credentials.ForInstallationAsync(report.Installation, report.Repository, cancellationToken);

    private string Remedy() => _options.IsApp
        ? "Check that the App is still installed and may write checks."
        : "Check Handler:GitHub:Token (or GITHUB_TOKEN): it may be revoked or expired.";

    private static string Commit(CommitReport report) => $"{report.Repository}@{report.Sha}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reported {Outcome} for {Context} on {Repository}@{Revision} as {What}")]
    private static partial void LogSent(ILogger logger, string repository, string revision, string context, ReportOutcome outcome, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "GitHub refused {Credential} {Doing}; renewing it and trying once more")]
    private static partial void LogRenewing(ILogger logger, string credential, string doing);
}
