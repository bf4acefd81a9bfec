namespace K8sWebhookHandler.Testing.Git;

/// <summary>
/// One repository on the <see cref="GitServer"/>: a bare repository the server serves and a working clone
/// the test commits in and pushes from, as a developer would.
/// </summary>
public sealed partial class GitRepository(string fullName, string barePath, string workPath, string defaultBranch)
{
    public string FullName { get; } = fullName;

    public string BarePath { get; } = barePath;

    public string WorkPath { get; } = workPath;

    public string DefaultBranch { get; } = defaultBranch;

    /// <summary>
    /// Commits files (a null content deletes the file) on <paramref name="branch"/> and pushes it. A new branch
    /// starts from <paramref name="startPoint"/>, else from the current commit. Returns the new commit's SHA.
    /// </summary>
    public async Task<string> CommitAsync(string branch, IReadOnlyDictionary<string, string?> files, string message, string? startPoint = null)
    {
        await CheckoutAsync(branch, startPoint);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(WorkPath, path);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        await Git.RunAsync(WorkPath, "add", "-A");
        await Git.RunAsync(WorkPath, "commit", "-q", "--allow-empty", "-m", message);
        await Git.RunAsync(WorkPath, "push", "-q", "origin", branch);
        return await RevParseAsync("HEAD");
    }

    /// <summary>Commits one file on a branch and pushes it.</summary>
    public Task<string> CommitFileAsync(string branch, string path, string content, string? message = null) =>
        CommitAsync(branch, new Dictionary<string, string?> { [path] = content }, message ?? $"update {path}");

    /// <summary>Points a branch at any commit and force-pushes it (a rewritten history).</summary>
    public async Task ForcePushAsync(string branch, string sha)
    {
        await Git.RunAsync(WorkPath, "checkout", "-q", "--detach", sha);
        await Git.RunAsync(WorkPath, "branch", "-f", branch, sha);
        await Git.RunAsync(WorkPath, "push", "-q", "--force", "origin", $"{sha}:refs/heads/{branch}");
    }

    public async Task DeleteBranchAsync(string branch)
    {
        await Git.RunAsync(WorkPath, "push", "-q", "origin", "--delete", branch);
        await Git.RunAsync(WorkPath, "checkout", "-q", "--detach");
        await Git.RunAsync(WorkPath, "branch", "-q", "-D", branch);
    }

    /// <summary>Tags a commit (annotated when a message is given) and pushes the tag.</summary>
    public async Task TagAsync(string tag, string sha, string? message = null)
    {
        if (message is null)
        {
            await Git.RunAsync(WorkPath, "tag", tag, sha);
        }
        else
        {
            await Git.RunAsync(WorkPath, "tag", "-a", tag, "-m", message, sha);
        }

        await Git.RunAsync(WorkPath, "push", "-q", "origin", $"refs/tags/{tag}");
    }

    /// <summary>Creates many lightweight tags on one commit and pushes them in one go.</summary>
    public async Task TagManyAsync(IEnumerable<string> tags, string sha)
    {
        foreach (var tag in tags)
        {
            await Git.RunAsync(WorkPath, "tag", tag, sha);
        }

        await Git.RunAsync(WorkPath, "push", "-q", "origin", "--tags");
    }

    public Task<string> RevParseAsync(string revision) => Git.RunAsync(WorkPath, "rev-parse", revision);

    /// <summary>What the server has for a ref, read from the bare repository; null when the ref does not exist.</summary>
    public async Task<string?> ServerRefAsync(string reference)
    {
        var result = await Git.TryAsync(BarePath, "rev-parse", "--verify", "-q", reference);
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    private async Task CheckoutAsync(string branch, string? startPoint)
    {
        if ((await Git.TryAsync(WorkPath, "rev-parse", "--verify", "-q", $"refs/heads/{branch}")).Succeeded)
        {
            await Git.RunAsync(WorkPath, "checkout", "-q", branch);
        }
        else if (startPoint is not null)
        {
            await Git.RunAsync(WorkPath, "checkout", "-q", "-b", branch, startPoint);
        }
        else if ((await Git.TryAsync(WorkPath, "rev-parse", "--verify", "-q", "HEAD")).Succeeded)
        {
            await Git.RunAsync(WorkPath, "checkout", "-q", "-b", branch);
        }
        else
        {
            await Git.RunAsync(WorkPath, "checkout", "-q", "--orphan", branch);
        }
    }
}
