using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>
/// Hostile variants of pull request, comment, merge group and opted-in event payloads: every one is refused with a
/// reason naming the field, and only ever as a <see cref="WebhookPayloadException"/>.
/// </summary>
public sealed partial class HostilePayloadTests
{
    private static readonly Dictionary<string, (string Event, Action<JsonObject> Change, string Field)> RefusedEvents = new()
    {
        ["pull number of zero"] = ("pull_request", p => p["pull_request"]!["number"] = 0, "pull_request.number"),
        ["pull number of ten digits"] = ("pull_request", p => p["pull_request"]!["number"] = 1_000_000_000, "pull_request.number"),
        ["pull number over 64 bits"] = ("pull_request", p => p["pull_request"]!["number"] = JsonNode.Parse("99999999999999999999999"), "pull_request.number"),
        ["negative pull number"] = ("pull_request", p => p["pull_request"]!["number"] = -2, "pull_request.number"),
        ["fractional pull number"] = ("pull_request", p => p["pull_request"]!["number"] = JsonNode.Parse("2.0"), "pull_request.number"),
        ["pull number in exponent notation"] = ("pull_request", p => p["pull_request"]!["number"] = JsonNode.Parse("2e0"), "pull_request.number"),
        ["pull number as a string"] = ("pull_request", p => p["pull_request"]!["number"] = "2", "pull_request.number"),
        ["pull number missing"] = ("pull_request", p => p["pull_request"]!.AsObject().Remove("number"), "pull_request.number"),
        ["pull_request as an array"] = ("pull_request", p => p["pull_request"] = new JsonArray(), "pull_request"),
        ["pull_request missing"] = ("pull_request", p => p.Remove("pull_request"), "pull_request"),
        ["head missing"] = ("pull_request", p => p["pull_request"]!.AsObject().Remove("head"), "pull_request.head"),
        ["base as a string"] = ("pull_request", p => p["pull_request"]!["base"] = "main", "pull_request.base"),
        ["head.repo as a string"] = ("pull_request", p => p["pull_request"]!["head"]!["repo"] = "evil/fork", "pull_request.head.repo"),
        ["head.repo without full_name"] = ("pull_request", p => p["pull_request"]!["head"]!["repo"]!.AsObject().Remove("full_name"), "pull_request.head.repo.full_name"),
        ["head.repo full_name ../x"] = ("pull_request", p => p["pull_request"]!["head"]!["repo"]!["full_name"] = "../x", "pull_request.head.repo.full_name"),
        ["head.ref with a control character"] = ("pull_request", p => p["pull_request"]!["head"]!["ref"] = "fix\u0007bell", "pull_request.head.ref"),
        ["head.ref as a full ref with dot-dot"] = ("pull_request", p => p["pull_request"]!["head"]!["ref"] = "refs/heads/../x", "pull_request.head.ref"),
        ["huge head.ref"] = ("pull_request", p => p["pull_request"]!["head"]!["ref"] = new string('a', 2 * 1024 * 1024), "pull_request.head.ref"),
        ["base.ref missing"] = ("pull_request", p => p["pull_request"]!["base"]!.AsObject().Remove("ref"), "pull_request.base.ref"),
        ["short head.sha"] = ("pull_request", p => p["pull_request"]!["head"]!["sha"] = new string('a', 39), "pull_request.head.sha"),
        ["upper-case base.sha"] = ("pull_request", p => p["pull_request"]!["base"]!["sha"] = new string('A', 40), "pull_request.base.sha"),
        ["merge_commit_sha not hex"] = ("pull_request", p => p["pull_request"]!["merge_commit_sha"] = new string('z', 40), "pull_request.merge_commit_sha"),
        ["login with a space"] = ("pull_request", p => p["pull_request"]!["user"]!["login"] = "Codertocat evil", "pull_request.user.login"),
        ["login of 40 characters"] = ("pull_request", p => p["pull_request"]!["user"]!["login"] = new string('a', 40), "pull_request.user.login"),
        ["login with a newline"] = ("pull_request", p => p["pull_request"]!["user"]!["login"] = "Codertocat\n", "pull_request.user.login"),
        ["login with a bot suffix elsewhere"] = ("pull_request", p => p["pull_request"]!["user"]!["login"] = "a[bot]b", "pull_request.user.login"),
        ["login as a number"] = ("pull_request", p => p["pull_request"]!["user"]!["login"] = 42, "pull_request.user.login"),
        ["user as a string"] = ("pull_request", p => p["pull_request"]!["user"] = "Codertocat", "pull_request.user"),
        ["lower-case author_association"] = ("pull_request", p => p["pull_request"]!["author_association"] = "owner", "pull_request.author_association"),
        ["author_association of 33 letters"] = ("pull_request", p => p["pull_request"]!["author_association"] = new string('A', 33), "pull_request.author_association"),
        ["author_association with a control character"] = ("pull_request", p => p["pull_request"]!["author_association"] = "OWNER\r", "pull_request.author_association"),
        ["author_association missing"] = ("pull_request", p => p["pull_request"]!.AsObject().Remove("author_association"), "pull_request.author_association"),
        ["draft as a string"] = ("pull_request", p => p["pull_request"]!["draft"] = "false", "pull_request.draft"),
        ["synchronize with a non-hex before"] = ("pull_request", p =>
        {
            p["action"] = "synchronize";
            p["before"] = "HEAD~1";
        }, "before"),
        ["issue number of zero"] = ("issue_comment", p => p["issue"]!["number"] = 0, "issue.number"),
        ["issue as an array"] = ("issue_comment", p => p["issue"] = new JsonArray(), "issue"),
        ["issue.pull_request as a string"] = ("issue_comment", p => p["issue"]!["pull_request"] = "yes", "issue.pull_request"),
        ["comment missing"] = ("issue_comment", p => p.Remove("comment"), "comment"),
        ["comment body as a number"] = ("issue_comment", p => p["comment"]!["body"] = 42, "comment.body"),
        ["comment body longer than GitHub allows"] = ("issue_comment", p => p["comment"]!["body"] = new string('x', 400_000) + "\n/ok-to-test", "comment.body"),
        ["comment login with a slash"] = ("issue_comment", p => p["comment"]!["user"]!["login"] = "a/b", "comment.user.login"),
        ["comment author_association with a space"] = ("issue_comment", p => p["comment"]!["author_association"] = "NO NE", "comment.author_association"),
        ["merge group head_ref of a tag"] = ("merge_group", p => p["merge_group"]!["head_ref"] = "refs/tags/v1", "merge_group.head_ref"),
        ["merge group head_ref as a short name"] = ("merge_group", p => p["merge_group"]!["head_ref"] = "gh-readonly-queue/main/pr-1", "merge_group.head_ref"),
        ["merge group head_sha missing"] = ("merge_group", p => p["merge_group"]!.AsObject().Remove("head_sha"), "merge_group.head_sha"),
        ["merge group base_sha not hex"] = ("merge_group", p => p["merge_group"]!["base_sha"] = "main", "merge_group.base_sha"),
        ["merge_group as a string"] = ("merge_group", p => p["merge_group"] = "x", "merge_group"),
        ["workflow dispatch ref as a short name"] = ("workflow_dispatch", p => p["ref"] = "main", "ref"),
        ["workflow dispatch ref of a pull request"] = ("workflow_dispatch", p => p["ref"] = "refs/pull/1/head", "ref"),
        ["workflow dispatch ref missing"] = ("workflow_dispatch", p => p.Remove("ref"), "ref"),
        ["dispatch branch with dot-dot"] = ("repository_dispatch", p => p["branch"] = "../main", "branch"),
        ["dispatch branch as a number"] = ("repository_dispatch", p => p["branch"] = 1, "branch"),
        ["client_payload over the cap"] = ("repository_dispatch", p => p["client_payload"] = new JsonObject { ["a"] = new string('x', WebhookEvent.MaxClientPayloadBytes) }, "client_payload"),
        ["client_payload over the cap in many small strings"] = ("repository_dispatch", p => p["client_payload"] = new JsonObject { ["a"] = new JsonArray([.. Enumerable.Range(0, 3000).Select(i => (JsonNode?)"xx")]) }, "client_payload"),
        ["client_payload nested 33 deep"] = ("repository_dispatch", p => p["client_payload"] = Nested(33), "client_payload"),
        ["client_payload as an array"] = ("repository_dispatch", p => p["client_payload"] = new JsonArray(1, 2), "client_payload"),
        ["client_payload as a string"] = ("repository_dispatch", p => p["client_payload"] = "{}", "client_payload"),
        ["release tag with a space"] = ("release", p => p["release"]!["tag_name"] = "v 1", "release.tag_name"),
        ["release tag missing"] = ("release", p => p["release"]!.AsObject().Remove("tag_name"), "release.tag_name"),
        ["release target_commitish as a number"] = ("release", p => p["release"]!["target_commitish"] = 1, "release.target_commitish"),
        ["release as a string"] = ("release", p => p["release"] = "v1", "release"),
        ["deployment sha missing"] = ("deployment", p => p["deployment"]!.AsObject().Remove("sha"), "deployment.sha"),
        ["deployment sha of a branch"] = ("deployment", p => p["deployment"]!["sha"] = "main", "deployment.sha"),
        ["deployment ref as an object"] = ("deployment", p => p["deployment"]!["ref"] = new JsonObject(), "deployment.ref"),
    };

    public static TheoryData<string> RefusedEventCases() => [.. RefusedEvents.Keys];

    private static JsonObject EventFixture(string eventType) => eventType switch
    {
        "pull_request" => GitHubPayloads.Load("pull_request/opened.payload.json"),
        "issue_comment" => GitHubPayloads.Load("issue_comment/created.payload.json"),
        "merge_group" => GitHubPayloads.Load("merge_group/checks_requested.payload.json"),
        "workflow_dispatch" => GitHubPayloads.Load("workflow_dispatch/payload.json"),
        "repository_dispatch" => GitHubPayloads.Load("repository_dispatch/on-demand-test.payload.json"),
        "release" => DocumentedPayloads.Release(),
        _ => DocumentedPayloads.Deployment(),
    };

    /// <summary>An object nested <paramref name="levels"/> deep, itself the first level.</summary>
    private static JsonObject Nested(int levels)
    {
        var root = new JsonObject();
        var current = root;
        for (var level = 1; level < levels; level++)
        {
            var inner = new JsonObject();
            current["n"] = inner;
            current = inner;
        }

        return root;
    }

    [Theory]
    [MemberData(nameof(RefusedEventCases))]
    public async Task HostileEventField_IsRefused_WithAReasonNamingTheField(string name)
    {
        var (eventType, change, field) = RefusedEvents[name];
        var payload = EventFixture(eventType);
        change(payload);

        var reason = await RefusalAsync(payload.ToJsonString(), eventType);

        Assert.StartsWith(field + " ", reason);
        Assert.True(reason.Length < 400, reason);
    }

    [Fact]
    public async Task EveryEventFixture_IsAcceptedAsGitHubSentIt()
    {
        foreach (var eventType in new[] { "pull_request", "issue_comment", "merge_group", "workflow_dispatch", "repository_dispatch", "release", "deployment" })
        {
            Assert.Equal(eventType, (await ParseAsync(EventFixture(eventType).ToJsonString(), eventType))!.EventType.Name);
        }
    }

    [Fact]
    public async Task RepeatedPullRequestNumber_IsRefused()
    {
        var text = EventFixture("pull_request").ToJsonString();
        var repeated = ReplaceFirst(text, "\"pull_request\":{", "\"pull_request\":{\"number\":3,");

        Assert.Equal("pull_request.number appears more than once", await RefusalAsync(repeated, "pull_request"));
    }

    [Fact]
    public async Task RepeatedClientPayload_IsRefused()
    {
        var text = EventFixture("repository_dispatch").ToJsonString();

        Assert.Equal("client_payload appears more than once", await RefusalAsync("{\"client_payload\":{\"a\":1}," + text[1..], "repository_dispatch"));
    }

    [Fact]
    public async Task ClientPayloadAtTheCapAndDepth_IsKept()
    {
        var atCap = EventFixture("repository_dispatch");
        // {"a":"…"} is 8 bytes of JSON around the string.
        atCap["client_payload"] = new JsonObject { ["a"] = new string('x', WebhookEvent.MaxClientPayloadBytes - 8) };
        var deepest = EventFixture("repository_dispatch");
        deepest["client_payload"] = Nested(32);

        var kept = (await ParseAsync(atCap.ToJsonString(), "repository_dispatch"))!.ClientPayload!;

        Assert.Equal(WebhookEvent.MaxClientPayloadBytes, System.Text.Encoding.UTF8.GetByteCount(kept));
        Assert.Equal(Nested(32).ToJsonString(), (await ParseAsync(deepest.ToJsonString(), "repository_dispatch"))!.ClientPayload);
    }

    [Fact]
    public async Task ClientPayloadAcrossTheReadersChunks_IsKeptWhole()
    {
        var payload = EventFixture("repository_dispatch");
        var clientPayload = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, 600).Select(i => (JsonNode?)$"item-{i}")]) };
        payload["client_payload"] = clientPayload.DeepClone();
        // 60 KiB before it, so that it straddles the first 64 KiB the reader is given.
        var text = "{\"padding\":\"" + new string('p', 60 * 1024) + "\"," + payload.ToJsonString()[1..];

        var parsed = (await ParseAsync(text, "repository_dispatch"))!;

        Assert.Equal(clientPayload.ToJsonString(), parsed.ClientPayload);
    }

    [Fact]
    public async Task OversizeClientPayload_OnAnEventThatDoesNotUseIt_IsReadPast()
    {
        var push = Fixture();
        push["client_payload"] = new JsonObject { ["a"] = new string('x', 64 * 1024), ["deep"] = Nested(60) };

        var parsed = (await ParseAsync(push.ToJsonString()))!;

        Assert.Equal((GitRef.Tag("simple-tag"), (string?)null), (parsed.Ref, parsed.ClientPayload));
    }

    [Fact]
    public async Task PullRequestFieldsInAPush_AreNeitherReadNorKept()
    {
        var push = Fixture();
        push["pull_request"] = "not an object";

        Assert.Null((await ParseAsync(push.ToJsonString()))!.PullRequest);
    }

    [Fact]
    public async Task AnyWrongValueInAnyFieldIntakeReads_IsAcceptedOrRefused_NeverAnotherException()
    {
        string[] values = ["null", "0", "-1", "1e400", "\"\"", "\"x\\u0000y\"", "[]", "{}", "true", "\"" + new string('a', 20_000) + "\""];
        var tried = 0;
        foreach (var eventType in new[] { "pull_request", "issue_comment", "merge_group", "workflow_dispatch", "repository_dispatch", "release", "deployment" })
        {
            var fixture = EventFixture(eventType).ToJsonString();
            foreach (var path in PayloadPaths.Leaves.Concat(PayloadPaths.Containers))
            {
                foreach (var value in values)
                {
                    var payload = JsonNode.Parse(fixture)!.AsObject();
                    if (!Set(payload, path, JsonNode.Parse(value)))
                    {
                        continue;
                    }

                    var error = await Record.ExceptionAsync(() => ParseAsync(payload.ToJsonString(), eventType));
                    Assert.True(error is null or WebhookPayloadException, $"{eventType} {path}={value[..Math.Min(value.Length, 20)]}: {error}");
                    tried++;
                }
            }
        }

        Assert.True(tried > 1000, $"only {tried} variations were tried");
    }

    /// <summary>Sets the field at a dotted path when its parent object is there.</summary>
    private static bool Set(JsonObject payload, string path, JsonNode? value)
    {
        var names = path.Split('.');
        JsonNode? parent = payload;
        foreach (var name in names[..^1])
        {
            parent = parent is JsonObject o ? o[name] : null;
        }

        if (parent is not JsonObject target)
        {
            return false;
        }

        target[names[^1]] = value;
        return true;
    }

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, find);
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }
}
