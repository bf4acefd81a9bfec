using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>
/// Hostile variants of GitHub's real push payload (<c>push/payload.json</c>): every one is refused with a reason
/// that names the field, or, where GitHub could send it, accepted with what is stored bounded.
/// </summary>
public sealed partial class HostilePayloadTests
{
    private static readonly DeliveryId Delivery = DeliveryId.Parse("hostile-1");

    private static readonly Dictionary<string, (Action<JsonObject> Change, string Field)> Refused = new()
    {
        ["huge ref"] = (p => p["ref"] = "refs/heads/" + new string('a', 2 * 1024 * 1024), "ref"),
        ["ref of 256 bytes"] = (p => p["ref"] = "refs/heads/" + new string('a', 256), "ref"),
        ["NUL in ref"] = (p => p["ref"] = "refs/heads/a\0b", "ref"),
        ["dot-dot ref"] = (p => p["ref"] = "refs/heads/../x", "ref"),
        ["dot-dot inside ref"] = (p => p["ref"] = "refs/heads/a..b", "ref"),
        ["ref ending in .lock"] = (p => p["ref"] = "refs/heads/x.lock", "ref"),
        ["ref ending in slash"] = (p => p["ref"] = "refs/heads/x/", "ref"),
        ["double slash in ref"] = (p => p["ref"] = "refs/heads/a//b", "ref"),
        ["at-brace in ref"] = (p => p["ref"] = "refs/heads/a@{1}", "ref"),
        ["space in ref"] = (p => p["ref"] = "refs/heads/a b", "ref"),
        ["tilde, caret, colon in ref"] = (p => p["ref"] = "refs/heads/a~1^2:x", "ref"),
        ["glob in ref"] = (p => p["ref"] = "refs/heads/a*?[", "ref"),
        ["backslash in ref"] = (p => p["ref"] = "refs/heads/a\\b", "ref"),
        ["hidden component in ref"] = (p => p["ref"] = "refs/heads/a/.b", "ref"),
        ["non-ASCII ref"] = (p => p["ref"] = "refs/heads/caf\u00e9", "ref"),
        ["ref outside heads and tags"] = (p => p["ref"] = "refs/remotes/origin/main", "ref"),
        ["empty branch name"] = (p => p["ref"] = "refs/heads/", "ref"),
        ["ref as an array"] = (p => p["ref"] = new JsonArray("refs/heads/main"), "ref"),
        ["ref missing"] = (p => p.Remove("ref"), "ref"),
        ["non-hex after"] = (p => p["after"] = new string('z', 40), "after"),
        ["upper-case hex after"] = (p => p["after"] = new string('A', 40), "after"),
        ["short after"] = (p => p["after"] = new string('a', 39), "after"),
        ["after as a number"] = (p => p["after"] = 1234, "after"),
        ["non-hex before"] = (p => p["before"] = "HEAD~1" + new string('0', 34), "before"),
        ["numeric full_name"] = (p => p["repository"]!["full_name"] = 42, "repository.full_name"),
        ["full_name as an array"] = (p => p["repository"]!["full_name"] = new JsonArray("octo", "hello"), "repository.full_name"),
        ["Kelvin sign in full_name"] = (p => p["repository"]!["full_name"] = "\u212Aelvin/Hello-World", "repository.full_name"),
        ["Cyrillic o in full_name"] = (p => p["repository"]!["full_name"] = "Codert\u043Ecat/Hello-World", "repository.full_name"),
        ["fullwidth letters in full_name"] = (p => p["repository"]!["full_name"] = "\uFF23odertocat/Hello-World", "repository.full_name"),
        ["leading space in full_name"] = (p => p["repository"]!["full_name"] = " Codertocat/Hello-World", "repository.full_name"),
        ["trailing newline in full_name"] = (p => p["repository"]!["full_name"] = "Codertocat/Hello-World\n", "repository.full_name"),
        ["owner/name/extra"] = (p => p["repository"]!["full_name"] = "Codertocat/Hello-World/extra", "repository.full_name"),
        ["../x"] = (p => p["repository"]!["full_name"] = "../x", "repository.full_name"),
        ["owner/.."] = (p => p["repository"]!["full_name"] = "Codertocat/..", "repository.full_name"),
        ["owner of 40 characters"] = (p => p["repository"]!["full_name"] = new string('a', 40) + "/x", "repository.full_name"),
        ["repository as an array"] = (p => p["repository"] = new JsonArray(), "repository"),
        ["clone_url as an array"] = (p => p["repository"]!["clone_url"] = new JsonArray("https://github.com/a/b.git"), "repository.clone_url"),
        ["clone_url over 2048 characters"] = (p => p["repository"]!["clone_url"] = "https://github.com/" + new string('a', 2048), "repository.clone_url"),
        ["control character in git_url"] = (p => p["repository"]!["git_url"] = "git://github.com/a/b.git\r\nHost: evil", "repository.git_url"),
        ["invalid default_branch"] = (p => p["repository"]!["default_branch"] = "../main", "repository.default_branch"),
        ["installation as a number"] = (p => p["installation"] = 42, "installation"),
        ["installation id as a string"] = (p => p["installation"] = new JsonObject { ["id"] = "42" }, "installation.id"),
        ["installation id of zero"] = (p => p["installation"] = new JsonObject { ["id"] = 0 }, "installation.id"),
        ["negative installation id"] = (p => p["installation"] = new JsonObject { ["id"] = -42 }, "installation.id"),
        ["fractional installation id"] = (p => p["installation"] = new JsonObject { ["id"] = 4.2 }, "installation.id"),
        ["installation id in exponent notation"] = (p => p["installation"] = new JsonObject { ["id"] = JsonNode.Parse("4e2") }, "installation.id"),
        ["installation id over 64 bits"] = (p => p["installation"] = new JsonObject { ["id"] = JsonNode.Parse("99999999999999999999") }, "installation.id"),
        ["installation id of 40 digits"] = (p => p["installation"] = new JsonObject { ["id"] = JsonNode.Parse(new string('9', 40)) }, "installation.id"),
        ["installation without an id"] = (p => p["installation"] = new JsonObject { ["node_id"] = "x" }, "installation.id"),
        ["action with capitals"] = (p => p["action"] = "Opened", "action"),
        ["action of 65 letters"] = (p => p["action"] = new string('a', 65), "action"),
        ["created as a string"] = (p => p["created"] = "yes", "created"),
    };

    public static TheoryData<string> RefusedCases() => [.. Refused.Keys];

    private static JsonObject Fixture() => GitHubPayloads.Load("push/payload.json");

    private static Task<WebhookEvent?> ParseAsync(string text, string eventType = "push") =>
        WebhookParser.ParseAsync(eventType, Delivery, Encoding.UTF8.GetBytes(text), DateTimeOffset.UnixEpoch, CancellationToken.None);

    private static async Task<string> RefusalAsync(string text, string eventType = "push") =>
        (await Assert.ThrowsAsync<WebhookPayloadException>(() => ParseAsync(text, eventType))).Message;

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public async Task HostileField_IsRefused_WithAReasonNamingTheField(string name)
    {
        var (change, field) = Refused[name];
        var payload = Fixture();
        change(payload);

        var reason = await RefusalAsync(payload.ToJsonString());

        Assert.StartsWith(field + " ", reason);
        Assert.True(reason.Length < 400, reason);
    }

    [Fact]
    public async Task NestingDepthBomb_IsRefusedAsMalformed()
    {
        var text = Fixture().ToJsonString();
        var bomb = text[..^1] + ",\"bomb\":" + new string('[', 100_000) + new string(']', 100_000) + "}";

        var reason = await RefusalAsync(bomb);

        Assert.StartsWith("malformed JSON: ", reason);
        Assert.Contains("depth", reason);
    }

    [Fact]
    public async Task RepeatedField_IsRefused()
    {
        var text = Fixture().ToJsonString();
        var repeated = "{\"ref\":\"refs/heads/main\"," + text[1..];

        Assert.Equal("ref appears more than once", await RefusalAsync(repeated));
    }

    [Fact]
    public async Task DeleteWithAnUnknownRefType_IsRefused()
    {
        var payload = GitHubPayloads.Load("delete/payload.json");
        payload["ref_type"] = "remote";

        Assert.Equal("ref_type must be branch or tag", await RefusalAsync(payload.ToJsonString(), "delete"));
    }

    [Fact]
    public async Task TenMegabyteStringInAFieldNobodyReads_IsAccepted()
    {
        var payload = Fixture();
        payload["ref"] = "refs/heads/main";
        payload["after"] = new string('b', 40);
        payload["head_commit"] = new JsonObject { ["message"] = new string('m', 10 * 1024 * 1024) };

        var parsed = (await ParseAsync(payload.ToJsonString()))!;

        Assert.Equal(GitRef.Branch("main"), parsed.Ref);
        Assert.Equal(new string('b', 40), parsed.Revision);
        Assert.Equal("Codertocat/Hello-World", parsed.Repository.FullName);
    }

    [Fact]
    public async Task CredentialsInUrls_AreStripped_AndTheRestIsKept()
    {
        var payload = Fixture();
        var repository = payload["repository"]!;
        repository["clone_url"] = "https://user:ghp_secret@github.com/Codertocat/Hello-World.git";
        repository["git_url"] = "git://ghp_token@github.com/Codertocat/Hello-World.git?x=1#y";
        repository["ssh_url"] = "ssh://git:hunter2@github.com:22/Codertocat/Hello-World.git";

        var facts = (await ParseAsync(payload.ToJsonString()))!.Repository;

        Assert.Equal("https://github.com/Codertocat/Hello-World.git", facts.CloneUrl);
        Assert.Equal("git://github.com/Codertocat/Hello-World.git?x=1#y", facts.GitUrl);
        Assert.Equal("ssh://git@github.com:22/Codertocat/Hello-World.git", facts.SshUrl);
    }

    [Fact]
    public async Task ScpLikeSshUrlAndUnparsableUrls_AreKeptAsTheyAre()
    {
        var payload = Fixture();
        payload["repository"]!["git_url"] = "not-a-url";

        var facts = (await ParseAsync(payload.ToJsonString()))!.Repository;

        Assert.Equal("git@github.com:Codertocat/Hello-World.git", facts.SshUrl);
        Assert.Equal("not-a-url", facts.GitUrl);
    }

    [Fact]
    public async Task FixtureAsGitHubSentIt_KeepsItsFacts()
    {
        var parsed = (await ParseAsync(Fixture().ToJsonString()))!;

        Assert.Equal(GitRef.Tag("simple-tag"), parsed.Ref);
        Assert.Equal(WebhookEvent.ZeroRevision, parsed.Revision);
        Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", parsed.Before);
        Assert.True(parsed.Deleted);
        Assert.Equal("master", parsed.Repository.DefaultBranch);
        Assert.Equal("https://github.com/Codertocat/Hello-World.git", parsed.Repository.CloneUrl);
    }

    [Fact]
    public async Task RepositoryDispatch_KeepsItsSendersEventType_WithinBounds()
    {
        var payload = GitHubPayloads.Load("repository_dispatch/on-demand-test.payload.json");
        var accepted = (await ParseAsync(payload.ToJsonString(), "repository_dispatch"))!;
        payload["action"] = "on demand; rm -rf";

        Assert.Equal("on-demand-test", accepted.Action);
        Assert.Equal("action is not [A-Za-z0-9._-]{1,100}", await RefusalAsync(payload.ToJsonString(), "repository_dispatch"));
    }

    [Theory]
    [InlineData("Push")]
    [InlineData("push\n")]
    [InlineData("")]
    public async Task MalformedEventType_IsRefused(string eventType)
    {
        Assert.Equal("X-GitHub-Event is not [a-z_]{1,64}", await RefusalAsync(Fixture().ToJsonString(), eventType));
    }
}
