namespace K8sWebhookHandler.Testing.Git;

/// <summary>Pull requests as GitHub publishes them: read-only refs on the base repository.</summary>
public sealed partial class GitRepository
{
    /// <summary>
    /// Publishes pull request <paramref name="number"/> on this (the base) repository as GitHub does: the head commit's
    /// objects are copied into this bare repository and <c>refs/pull/N/head</c> points at <paramref name="headSha"/>;
    /// <c>refs/pull/N/merge</c> points at <paramref name="mergeSha"/> when given (see <see cref="CreateTestMergeAsync"/>)
    /// and is removed when not, as GitHub recomputes it on every push. <paramref name="headRepository"/> is the fork
    /// that holds the head commit; null when the head branch is on this repository. Both refs move by force, as a
    /// force-push to the pull request's branch moves them.
    /// </summary>
    public async Task PublishPullRequestAsync(int number, string headSha, string? mergeSha = null, GitRepository? headRepository = null)
    {
        await FetchCommitAsync(headSha, headRepository);
        await Git.RunAsync(WorkPath, "push", "-q", "--force", BarePath, $"{headSha}:{PullRef(number, "head")}");
        if (mergeSha is null)
        {
            await Git.TryAsync(BarePath, "update-ref", "-d", PullRef(number, "merge"));
            return;
        }

        await Git.RunAsync(WorkPath, "push", "-q", "--force", BarePath, $"{mergeSha}:{PullRef(number, "merge")}");
    }

    /// <summary>
    /// Makes the test merge commit GitHub prepares for a pull request: <paramref name="headSha"/> merged (no fast-forward)
    /// into the tip of <paramref name="baseBranch"/> (the default branch when null) as this repository's server has it.
    /// The commit is made in the working clone only; <see cref="PublishPullRequestAsync"/> publishes it. Returns its SHA.
    /// </summary>
    public async Task<string> CreateTestMergeAsync(string headSha, GitRepository? headRepository = null, string? baseBranch = null)
    {
        await FetchCommitAsync(headSha, headRepository);
        var branch = baseBranch ?? DefaultBranch;
        await Git.RunAsync(WorkPath, "fetch", "-q", BarePath, $"refs/heads/{branch}");
        await Git.RunAsync(WorkPath, "checkout", "-q", "--detach", "FETCH_HEAD");
        await Git.RunAsync(WorkPath, "merge", "-q", "--no-ff", "-m", $"Merge {headSha} into {branch}", headSha);
        return await RevParseAsync("HEAD");
    }

    private static string PullRef(int number, string kind) => $"refs/pull/{number}/{kind}";

    // The working clone pushes the commit to the base, so it must hold its objects first; for a fork they come from
    // the fork's bare repository, which (like every repository on the server) lets a client fetch any SHA.
    private async Task FetchCommitAsync(string sha, GitRepository? headRepository)
    {
        if (headRepository is not null && !ReferenceEquals(headRepository, this))
        {
            await Git.RunAsync(WorkPath, "fetch", "-q", headRepository.BarePath, sha);
        }
    }
}
