using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>
/// What intake keeps of pull requests, comments, merge groups and opted-in events, over GitHub's own payloads
/// (<c>release</c> and <c>deployment</c> in GitHub's documented shapes, as the fixtures have none).
/// </summary>
public sealed class EventPayloadParserTests
{
    private const string Head = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    private const string Base = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
    private static readonly DeliveryId Delivery = DeliveryId.Parse("event-1");

    public static TheoryData<string> NewEventPayloads()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "pull_request", "issue_comment", "merge_group", "repository_dispatch", "workflow_dispatch" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.GitHubWebhooks, folder), "*.json").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepositoryPaths.GitHubWebhooks, file));
            }
        }

        return data;
    }

    private static async Task<WebhookEvent> ParseAsync(JsonObject payload, string eventType) =>
        (await WebhookParser.ParseAsync(eventType, Delivery, Encoding.UTF8.GetBytes(payload.ToJsonString()), DateTimeOffset.UnixEpoch, CancellationToken.None))!;

    private static Task<WebhookEvent> ParseAsync(string relative) => ParseAsync(GitHubPayloads.Load(relative), Path.GetDirectoryName(relative)!);

    [Theory]
    [MemberData(nameof(NewEventPayloads))]
    public async Task EveryFixture_Parses_WithTheFactsOfItsKind(string relative)
    {
        var raw = GitHubPayloads.Load(relative);

        var parsed = await ParseAsync(relative);

        Assert.Equal(parsed.Kind == EventKind.PullRequest, parsed.PullRequest is not null);
        Assert.Equal(parsed.Kind == EventKind.IssueComment, parsed.Comment is not null);
        Assert.Equal(parsed.Kind == EventKind.RepositoryDispatch, parsed.ClientPayload is not null);
        Assert.Equal(raw["action"]?.GetValue<string>() ?? "", parsed.Action);
        if (parsed.PullRequest is { } pullRequest)
        {
            Assert.Equal(GitRef.PullRequest(pullRequest.Number), parsed.Ref);
            Assert.Equal(raw["pull_request"]!["head"]!["sha"]!.GetValue<string>(), parsed.Revision);
        }
    }

    [Fact]
    public async Task PullRequestOpened_IsItsHeadRefAtItsHeadCommit_AfterItsBase()
    {
        var opened = await ParseAsync("pull_request/opened.payload.json");

        Assert.Equal((EventKind.PullRequest, "opened", "refs/pull/2/head", Head, Base), (opened.Kind, opened.Action, opened.Ref.Value, opened.Revision, opened.Before));
        Assert.Equal(new PullRequestFacts(2, "changes", "Codertocat/Hello-World", "master", Base, "Codertocat", "OWNER", false), opened.PullRequest);
        Assert.Equal(1, opened.Installation);
        Assert.Null(opened.Comment);
    }

    [Fact]
    public async Task PullRequestSynchronize_TakesThePayloadsBefore()
    {
        var payload = GitHubPayloads.Load("pull_request/synchronize.payload.json");
        payload["before"] = new string('b', 40);

        var synchronize = await ParseAsync(payload, "pull_request");
        payload.Remove("before");
        var withoutBefore = await ParseAsync(payload, "pull_request");

        Assert.Equal((new string('b', 40), Head), (synchronize.Before, synchronize.Revision));
        Assert.Equal(Base, withoutBefore.Before);
    }

    [Fact]
    public async Task PullRequestOtherThanSynchronize_IgnoresABefore_AndTakesTheBase()
    {
        var payload = GitHubPayloads.Load("pull_request/reopened.payload.json");
        payload["before"] = new string('b', 40);

        Assert.Equal(Base, (await ParseAsync(payload, "pull_request")).Before);
    }

    [Fact]
    public async Task PullRequestClosedAndDraft_KeepTheMergeCommitAndTheDraftFlag()
    {
        var closed = (await ParseAsync("pull_request/closed.payload.json")).PullRequest!;
        var draft = await ParseAsync("pull_request/converted_to_draft.payload.json");

        Assert.Equal(("c4295bd74fb0f4fda03689c3df3f2803b658fd85", false), (closed.MergeCommit, closed.Draft));
        Assert.Equal((true, (string?)null, (long?)null), (draft.PullRequest!.Draft, draft.PullRequest.MergeCommit, draft.Installation));
    }

    [Fact]
    public async Task PullRequestFromADeletedFork_HasNoHeadRepository_AndCountsAsAFork()
    {
        var payload = GitHubPayloads.Load("pull_request/opened.payload.json");
        payload["pull_request"]!["head"]!["repo"] = null;
        payload["pull_request"]!.AsObject().Remove("draft");
        payload["pull_request"]!["user"]!["login"] = "dependabot[bot]";
        payload["pull_request"]!["author_association"] = "FIRST_TIME_CONTRIBUTOR";

        var parsed = await ParseAsync(payload, "pull_request");

        Assert.Equal(("", false, "dependabot[bot]", "FIRST_TIME_CONTRIBUTOR"),
            (parsed.PullRequest!.HeadRepository, parsed.PullRequest.Draft, parsed.PullRequest.Author, parsed.PullRequest.AuthorAssociation));
        Assert.True(parsed.PullRequest.IsForkOf(parsed.Repository));
    }

    [Fact]
    public async Task IssueComment_KeepsItsIssueAndAuthor_NeverItsBody()
    {
        var comment = await ParseAsync("issue_comment/created.payload.json");

        Assert.Equal((EventKind.IssueComment, "created", GitRef.None, ""), (comment.Kind, comment.Action, comment.Ref, comment.Revision));
        Assert.Equal(new CommentFacts(1, false, CommentCommand.None, "Codertocat", "OWNER"), comment.Comment);
        Assert.DoesNotContain("totally right", System.Text.Json.JsonSerializer.Serialize(comment));
    }

    [Theory]
    [InlineData("/ok-to-test", CommentCommand.OkToTest)]
    [InlineData("  /ok-to-test \t", CommentCommand.OkToTest)]
    [InlineData("Looks fine.\r\n/retest\r\n", CommentCommand.Retest)]
    [InlineData("/retest\n/ok-to-test", CommentCommand.OkToTest)]
    [InlineData("/ok-to-test\n/retest", CommentCommand.OkToTest)]
    [InlineData("please /ok-to-test", CommentCommand.None)]
    [InlineData("/ok-to-test!", CommentCommand.None)]
    [InlineData("/OK-TO-TEST", CommentCommand.None)]
    [InlineData("`/retest`", CommentCommand.None)]
    [InlineData("", CommentCommand.None)]
    public async Task CommentOnAPullRequest_GivesTheCommandOfALineOfItsOwn(string body, CommentCommand expected)
    {
        var payload = GitHubPayloads.Load("issue_comment/created.payload.json");
        payload["issue"]!["pull_request"] = new JsonObject { ["url"] = "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
        payload["comment"]!["body"] = body;

        var comment = (await ParseAsync(payload, "issue_comment")).Comment!;

        Assert.Equal((true, expected), (comment.OnPullRequest, comment.Command));
    }

    [Fact]
    public async Task CommandOnTheLastLineOfTheLongestComment_IsFound()
    {
        var payload = GitHubPayloads.Load("issue_comment/created.payload.json");
        // 65,536 characters, GitHub's largest comment, each written escaped, the command last.
        payload["comment"]!["body"] = new string('\u00e9', 65_536 - "\n/ok-to-test".Length) + "\n/ok-to-test";
        var escaped = payload.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });

        var comment = (await WebhookParser.ParseAsync("issue_comment", Delivery, Encoding.UTF8.GetBytes(escaped), DateTimeOffset.UnixEpoch, CancellationToken.None))!;

        Assert.Equal(CommentCommand.OkToTest, comment.Comment!.Command);
    }

    [Fact]
    public async Task MergeGroup_IsItsQueueBranchAtItsHeadCommit_AfterItsBase()
    {
        var group = await ParseAsync("merge_group/checks_requested.payload.json");

        Assert.Equal(("checks_requested", "refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64"), (group.Action, group.Ref.Value));
        Assert.Equal(("2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d", "380387fbc80638b734a49e1be1c4dfec1c01b33c"), (group.Revision, group.Before));
        Assert.Null(group.PullRequest);
    }

    [Fact]
    public async Task Dispatches_NameARefAndNoCommit()
    {
        var workflow = await ParseAsync("workflow_dispatch/payload.json");
        var repository = await ParseAsync("repository_dispatch/on-demand-test.payload.json");

        Assert.Equal((GitRef.Branch("main"), ""), (workflow.Ref, workflow.Revision));
        Assert.Null(workflow.ClientPayload);
        Assert.Equal((GitRef.Branch("master"), "", "on-demand-test", "{}"), (repository.Ref, repository.Revision, repository.Action, repository.ClientPayload));
    }

    [Fact]
    public async Task RepositoryDispatch_KeepsItsClientPayloadAsCompactJson()
    {
        var payload = GitHubPayloads.Load("repository_dispatch/on-demand-test.payload.json");
        payload["client_payload"] = JsonNode.Parse("""{ "unit": false, "integration": true, "n": 1.50, "tags": ["a", "caf\u00e9", "<b>"], "nested": { "x": null } }""");
        payload.Remove("branch");

        var parsed = await ParseAsync(payload, "repository_dispatch");

        Assert.Equal("""{"unit":false,"integration":true,"n":1.50,"tags":["a","café","<b>"],"nested":{"x":null}}""", parsed.ClientPayload);
        Assert.Equal(GitRef.None, parsed.Ref);
    }

    [Fact]
    public async Task RepositoryDispatch_WithANullOrMissingClientPayload_HasNone()
    {
        var payload = GitHubPayloads.Load("repository_dispatch/on-demand-test.payload.json");
        payload["client_payload"] = null;
        var withNull = await ParseAsync(payload, "repository_dispatch");
        payload.Remove("client_payload");

        Assert.Null(withNull.ClientPayload);
        Assert.Null((await ParseAsync(payload, "repository_dispatch")).ClientPayload);
    }

    [Theory]
    [InlineData("master", "")]
    [InlineData("f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e")]
    public async Task Release_IsItsTag_AtTheCommitItNames(string targetCommitish, string revision)
    {
        var payload = DocumentedPayloads.Release();
        payload["release"]!["target_commitish"] = targetCommitish;

        var parsed = await ParseAsync(payload, "release");

        Assert.Equal((EventKind.Release, "published", GitRef.Tag("0.0.1"), revision), (parsed.Kind, parsed.Action, parsed.Ref, parsed.Revision));
    }

    [Theory]
    [InlineData("master", "refs/heads/master")]
    [InlineData("refs/heads/release/1.x", "refs/heads/release/1.x")]
    [InlineData("f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "")]
    [InlineData("refs/tags/v1", "")]
    [InlineData("not a branch", "")]
    [InlineData("", "")]
    public async Task Deployment_IsItsCommit_OnItsRefWhenThatIsABranch(string deploymentRef, string expectedRef)
    {
        var payload = DocumentedPayloads.Deployment();
        payload["deployment"]!["ref"] = deploymentRef;

        var parsed = await ParseAsync(payload, "deployment");

        Assert.Equal((EventKind.Deployment, "created", expectedRef, Base), (parsed.Kind, parsed.Action, parsed.Ref.Value, parsed.Revision));
    }
}
