using System.Text.Json;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>The typed facts intake makes: refs, event types, repository facts, and how they are written as JSON.</summary>
public sealed class VocabularyTests
{
    [Theory]
    [InlineData("refs/heads/main", GitRefKind.Branch, "main")]
    [InlineData("refs/heads/feature/x-1.2_y", GitRefKind.Branch, "feature/x-1.2_y")]
    [InlineData("refs/tags/v1.2.0", GitRefKind.Tag, "v1.2.0")]
    [InlineData("refs/pull/42/head", GitRefKind.PullRequest, "42")]
    [InlineData("refs/pull/42/merge", GitRefKind.PullRequest, "42")]
    [InlineData("", GitRefKind.None, "")]
    public void GitRef_Parse_KnowsItsKindAndShortName(string value, GitRefKind kind, string shortName)
    {
        var parsed = GitRef.Parse(value);

        Assert.Equal((kind, shortName, value), (parsed.Kind, parsed.ShortName, parsed.Value));
        Assert.Equal(value, parsed.ToString());
    }

    [Theory]
    [InlineData("main")]
    [InlineData("refs/heads/")]
    [InlineData("refs/heads/a..b")]
    [InlineData("refs/heads/caf\u00e9")]
    [InlineData("refs/tags/x.lock")]
    [InlineData("refs/remotes/origin/main")]
    [InlineData("refs/pull/0/head")]
    [InlineData("refs/pull/01/head")]
    [InlineData("refs/pull/x/head")]
    [InlineData("refs/pull/1/tail")]
    [InlineData("refs/pull//head")]
    [InlineData("refs/heads/main\n")]
    public void GitRef_Parse_RefusesWhatIntakeRefuses(string value)
    {
        Assert.False(GitRef.TryParse(value, out _));
        Assert.Throws<FormatException>(() => GitRef.Parse(value));
    }

    [Fact]
    public void GitRef_Constructors_MakeTheFullRef_AndRefuseBadNames()
    {
        Assert.Equal(GitRef.Parse("refs/heads/feat/x"), GitRef.Branch("feat/x"));
        Assert.Equal(GitRef.Parse("refs/tags/v1"), GitRef.Tag("v1"));
        Assert.Equal(GitRef.Parse("refs/pull/7/head"), GitRef.PullRequest(7));
        Assert.Equal(GitRef.None, default);
        Assert.True(GitRef.None.IsNone);
        Assert.Throws<FormatException>(() => GitRef.Branch("a b"));
        Assert.Throws<FormatException>(() => GitRef.Tag(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => GitRef.PullRequest(0));
    }

    [Fact]
    public void GitRef_IsWrittenAsThePlainString_AlsoAsADictionaryKey()
    {
        var refs = new Dictionary<GitRef, GitRef> { [GitRef.Branch("main")] = GitRef.Tag("v1"), [GitRef.None] = GitRef.None };

        var json = JsonSerializer.Serialize(refs);
        var back = JsonSerializer.Deserialize<Dictionary<GitRef, GitRef>>(json)!;

        Assert.Equal("""{"refs/heads/main":"refs/tags/v1","":""}""", json);
        Assert.Equal(refs, back);
    }

    [Fact]
    public void DeliveryId_IsADictionaryKeyInJson()
    {
        var seen = new Dictionary<DeliveryId, int> { [DeliveryId.Parse("d-1")] = 1 };

        var json = JsonSerializer.Serialize(seen);

        Assert.Equal("""{"d-1":1}""", json);
        Assert.Equal(seen, JsonSerializer.Deserialize<Dictionary<DeliveryId, int>>(json));
    }

    [Theory]
    [InlineData("push", EventKind.Push)]
    [InlineData("delete", EventKind.Delete)]
    [InlineData("create", EventKind.Create)]
    [InlineData("check_suite", EventKind.CheckSuite)]
    [InlineData("check_run", EventKind.CheckRun)]
    [InlineData("ping", EventKind.Ping)]
    [InlineData("repository_dispatch", EventKind.RepositoryDispatch)]
    [InlineData("pull_request", EventKind.PullRequest)]
    [InlineData("merge_group", EventKind.MergeGroup)]
    [InlineData("issue_comment", EventKind.IssueComment)]
    [InlineData("release", EventKind.Release)]
    [InlineData("deployment", EventKind.Deployment)]
    [InlineData("workflow_dispatch", EventKind.WorkflowDispatch)]
    [InlineData("issues", EventKind.Other)]
    [InlineData("pull_request_review", EventKind.Other)]
    public void EventType_KeepsGitHubsName_AndKnowsItsKind(string name, EventKind kind)
    {
        var type = EventType.Parse(name);

        Assert.Equal((name, kind), (type.Name, type.Kind));
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(type));
        Assert.Equal(type, JsonSerializer.Deserialize<EventType>($"\"{name}\""));
    }

    [Theory]
    [InlineData("Push")]
    [InlineData("push\n")]
    [InlineData("")]
    public void EventType_RefusesWhatIsNoEventName(string name)
    {
        Assert.False(EventType.TryParse(name, out _));
    }

    [Fact]
    public void RepositoryFacts_MakeTheCanonicalKey_FromTheNameAsGitHubSpellsIt()
    {
        var facts = new RepositoryFacts("Octo/Hello", "https://github.com/Octo/Hello.git", "", "", "main");

        Assert.Equal(RepositoryKey.Parse("octo/hello"), facts.Key);
        Assert.Equal("Octo/Hello", facts.FullName);
        Assert.Throws<FormatException>(() => new RepositoryFacts("no-slash", "", "", "", "main"));
    }
}
