using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Testing.Handler;

/// <summary>
/// Real GitHub payloads from the shared fixtures, with the repository's URLs and the commits pointed at a
/// test repository; everything else (and there is a lot) is left as GitHub sent it.
/// </summary>
public static class GitHubPayloads
{
    public const string Zero = "0000000000000000000000000000000000000000";

    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.GitHubWebhooks, relativePath)))!.AsObject();

    public static JsonObject Push(string fullName, Uri gitUrl, Uri httpUrl, string gitRef, string before, string after,
        bool created = false, bool deleted = false, bool forced = false)
    {
        var payload = Load("push/payload.json");
        payload["ref"] = gitRef;
        payload["before"] = before;
        payload["after"] = after;
        payload["created"] = created;
        payload["deleted"] = deleted;
        payload["forced"] = forced;
        PointAt(payload, fullName, gitUrl, httpUrl);
        return payload;
    }

    public static JsonObject Delete(string fullName, Uri gitUrl, Uri httpUrl, string branch)
    {
        var payload = Load("delete/payload.json");
        payload["ref"] = branch;
        payload["ref_type"] = "branch";
        PointAt(payload, fullName, gitUrl, httpUrl);
        return payload;
    }

    public static JsonObject CheckSuite(string fullName, Uri gitUrl, Uri httpUrl, string branch, string headSha, string action = "requested")
    {
        var payload = Load($"check_suite/{action}.payload.json");
        payload["check_suite"]!["head_branch"] = branch;
        payload["check_suite"]!["head_sha"] = headSha;
        PointAt(payload, fullName, gitUrl, httpUrl);
        return payload;
    }

    /// <summary>
    /// A <c>pull_request</c> delivery of <paramref name="action"/> (one GitHub sent) for <paramref name="pr"/> on the base
    /// repository <paramref name="fullName"/>; a <c>synchronize</c> carries <paramref name="before"/> and the head as <c>after</c>.
    /// </summary>
    public static JsonObject PullRequest(string fullName, Uri gitUrl, Uri httpUrl, string action, PullRequestSpec pr, string? before = null)
    {
        var payload = Load($"pull_request/{action}.payload.json");
        payload["number"] = pr.Number;
        if (action == "synchronize")
        {
            payload["before"] = before ?? throw new ArgumentNullException(nameof(before), "a synchronize names the head before the push");
            payload["after"] = pr.HeadSha;
        }

        var pullRequest = payload["pull_request"]!.AsObject();
        pullRequest["number"] = pr.Number;
        pullRequest["author_association"] = pr.AuthorAssociation;
        pullRequest["user"]!["login"] = pr.Author;
        payload["sender"]!["login"] = pr.Author;
        PointSide(pullRequest["head"]!.AsObject(), pr.HeadRepository, pr.HeadRef, pr.HeadSha, pr.HeadRepository != fullName);
        PointSide(pullRequest["base"]!.AsObject(), fullName, pr.BaseRef, pr.BaseSha, fork: false);
        PointAt(payload, fullName, gitUrl, httpUrl);
        return payload;
    }

    /// <summary>A comment <paramref name="body"/> created on pull request <paramref name="number"/> by <paramref name="login"/> (<paramref name="association"/>).</summary>
    public static JsonObject PullRequestComment(string fullName, Uri gitUrl, Uri httpUrl, int number, string body, string login, string association)
    {
        var payload = Load("issue_comment/created.payload.json");
        var issue = payload["issue"]!.AsObject();
        issue["number"] = number;
        // GitHub marks an issue that is a pull request so; the fixture's issue is a plain one.
        issue["pull_request"] = new JsonObject
        {
            ["url"] = $"https://api.github.com/repos/{fullName}/pulls/{number}",
            ["html_url"] = $"https://github.com/{fullName}/pull/{number}",
            ["diff_url"] = $"https://github.com/{fullName}/pull/{number}.diff",
            ["patch_url"] = $"https://github.com/{fullName}/pull/{number}.patch",
            ["merged_at"] = null,
        };
        var comment = payload["comment"]!.AsObject();
        comment["body"] = body;
        comment["author_association"] = association;
        comment["user"]!["login"] = login;
        payload["sender"]!["login"] = login;
        PointAt(payload, fullName, gitUrl, httpUrl);
        return payload;
    }

    /// <summary>
    /// A <c>merge_group</c> delivery (<c>checks_requested</c> as GitHub sent it; <c>destroyed</c> is the same body with its
    /// action and reason) for the queue's commit <paramref name="headSha"/> on <paramref name="headRef"/> over <paramref name="baseSha"/> of main.
    /// </summary>
    public static JsonObject MergeGroup(string fullName, Uri gitUrl, Uri httpUrl, string action, string headSha, string headRef, string baseSha)
    {
        var payload = Load("merge_group/checks_requested.payload.json");
        payload["action"] = action;
        if (action == "destroyed")
        {
            payload["reason"] = "merged";
        }

        var group = payload["merge_group"]!.AsObject();
        group["head_sha"] = headSha;
        group["head_ref"] = headRef;
        group["base_sha"] = baseSha;
        group["base_ref"] = "refs/heads/main";
        group["head_commit"]!["id"] = headSha;
        payload["organization"]!["login"] = fullName.Split('/')[0];
        PointAt(payload, fullName, gitUrl, httpUrl);
        return payload;
    }

    public static void PointAt(JsonObject payload, string fullName, Uri gitUrl, Uri httpUrl)
    {
        var repository = payload["repository"]!.AsObject();
        PointRepository(repository, fullName);
        repository["clone_url"] = httpUrl.ToString();
        repository["git_url"] = gitUrl.ToString();
        repository["ssh_url"] = $"git@127.0.0.1:{fullName}.git";
        repository["default_branch"] = "main";
    }

    private static void PointRepository(JsonObject repository, string fullName)
    {
        var (owner, name) = (fullName.Split('/')[0], fullName.Split('/')[1]);
        repository["full_name"] = fullName;
        repository["name"] = name;
        repository["owner"]!["login"] = owner;
    }

    // One side of a pull request: its branch, commit and repository (null for a deleted fork). The side's repository
    // keeps GitHub's own URLs: the handler fetches from the payload's repository, never from these.
    private static void PointSide(JsonObject side, string? fullName, string branch, string sha, bool fork)
    {
        side["ref"] = branch;
        side["sha"] = sha;
        side["label"] = $"{fullName?.Split('/')[0] ?? "ghost"}:{branch}";
        if (fullName is null)
        {
            side["repo"] = null;
            return;
        }

        var repository = side["repo"]!.AsObject();
        PointRepository(repository, fullName);
        repository["fork"] = fork;
        repository["clone_url"] = $"https://github.com/{fullName}.git";
        repository["git_url"] = $"git://github.com/{fullName}.git";
        repository["ssh_url"] = $"git@github.com:{fullName}.git";
    }
}

/// <summary>
/// A pull request as a test makes it: its number, the base branch and its commit, the head repository (null when it
/// was deleted), branch and commit, and its author with the author's relation to the base repository.
/// </summary>
public sealed record PullRequestSpec(
    int Number, string BaseRef, string BaseSha, string? HeadRepository, string HeadRef, string HeadSha,
    string Author = "Codertocat", string AuthorAssociation = "OWNER");
