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

    public static void PointAt(JsonObject payload, string fullName, Uri gitUrl, Uri httpUrl)
    {
        var repository = payload["repository"]!.AsObject();
        var (owner, name) = (fullName.Split('/')[0], fullName.Split('/')[1]);
        repository["full_name"] = fullName;
        repository["name"] = name;
        repository["owner"]!["login"] = owner;
        repository["clone_url"] = httpUrl.ToString();
        repository["git_url"] = gitUrl.ToString();
        repository["ssh_url"] = $"git@127.0.0.1:{fullName}.git";
        repository["default_branch"] = "main";
    }
}
