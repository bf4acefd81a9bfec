using System.Text;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Testing;

namespace K8sWebhookHandler.Api.Tests;

public sealed class WebhookParserTests
{
    private static readonly DeliveryId Delivery = DeliveryId.Parse("72d3162e-cc78-11e3-81ab-4c9367dc0958");

    public static TheoryData<string> AllPayloads()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.GitHubWebhooks, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.GitHubWebhooks, file));
        }

        return data;
    }

    private static Task<WebhookEvent?> Parse(string relative) =>
        WebhookParser.ParseAsync(Path.GetDirectoryName(relative)!, Delivery, File.ReadAllBytes(Path.Combine(RepositoryPaths.GitHubWebhooks, relative)),
            DateTimeOffset.UnixEpoch, CancellationToken.None);

    [Theory]
    [MemberData(nameof(AllPayloads))]
    public async Task EveryFixturePayload_Parses_WithItsRepository(string relative)
    {
        var raw = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.GitHubWebhooks, relative)))!;

        var parsed = await Parse(relative);

        if (raw["repository"] is null)
        {
            // An organisation hook's ping has no repository; it is answered and nothing else.
            Assert.Equal("ping", Path.GetDirectoryName(relative));
            Assert.Null(parsed);
            return;
        }

        Assert.NotNull(parsed);
        Assert.True(RepositoryKey.TryParse(parsed!.Repository.FullName, out _));
        Assert.Equal(Path.GetDirectoryName(relative), parsed.EventType.Name);
        Assert.Equal(parsed.Repository.Key, RepositoryKey.Parse(parsed.Repository.FullName));
        Assert.Equal(raw["installation"]?["id"]?.GetValue<long>(), parsed.Installation);
    }

    [Fact]
    public async Task Push_CarriesRefRevisionsAndFlags()
    {
        var push = (await Parse("push/with-new-branch.payload.json"))!;

        Assert.Equal(GitRef.Branch("master"), push.Ref);
        Assert.Equal((EventKind.Push, GitRefKind.Branch, "master"), (push.Kind, push.Ref.Kind, push.Ref.ShortName));
        Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", push.Revision);
        Assert.Equal(WebhookEvent.ZeroRevision, push.Before);
        Assert.Equal((true, false, false), (push.Created, push.Deleted, push.Forced));
        Assert.Equal(
            new RepositoryFacts("Codertocat/Hello-World", "https://github.com/Codertocat/Hello-World.git", "git://github.com/Codertocat/Hello-World.git",
                "git@github.com:Codertocat/Hello-World.git", "master"),
            push.Repository);
    }

    [Fact]
    public async Task PushOfADeletion_HasZerosAsItsRevision_AndTheDeletedCommitAsBefore()
    {
        var push = (await Parse("push/payload.json"))!;

        Assert.Equal(GitRef.Tag("simple-tag"), push.Ref);
        Assert.Equal(WebhookEvent.ZeroRevision, push.Revision);
        Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", push.Before);
        Assert.Equal((false, true, false), (push.Created, push.Deleted, push.Forced));
        Assert.True(push.IsDeletion);
    }

    [Fact]
    public async Task Delete_MakesAFullRefFromRefAndRefType()
    {
        var delete = (await Parse("delete/payload.json"))!;

        Assert.Equal("refs/tags/simple-tag", delete.Ref.Value);
        Assert.Equal((EventKind.Delete, GitRefKind.Tag, "simple-tag"), (delete.Kind, delete.Ref.Kind, delete.Ref.ShortName));
        Assert.True(delete.IsDeletion);
    }

    [Fact]
    public async Task CheckSuiteAndCheckRun_TakeTheSuitesHeadBranchAndCommit()
    {
        var suite = (await Parse("check_suite/requested.payload.json"))!;
        var run = (await Parse("check_run/rerequested.payload.json"))!;

        Assert.Equal(("requested", GitRef.Branch("master"), EventKind.CheckSuite), (suite.Action, suite.Ref, suite.Kind));
        Assert.Equal("f95f852bd8fca8fcc58a9a2d6c842781e32a215e", suite.Revision);
        Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", suite.Before);
        Assert.Equal(("rerequested", GitRef.Branch("master"), EventKind.CheckRun), (run.Action, run.Ref, run.Kind));
        Assert.Equal("d6fde92930d4715a2b49857d24b940956b26d2d3", run.Revision);
        Assert.Equal("146e867f55c26428e5f9fade55a9bbf5e95a7912", run.Before);
        Assert.Equal("github/hello-world", run.Repository.FullName);
    }

    [Theory]
    [InlineData("{not json", "malformed JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"ref\":\"refs/heads/main\"}", "names no repository")]
    [InlineData("{\"repository\":{\"full_name\":\"no-slash\"}}", "is not owner/name")]
    public async Task BadPayloads_AreRefusedWithAReason(string body, string expected)
    {
        var error = await Assert.ThrowsAsync<WebhookPayloadException>(() =>
            WebhookParser.ParseAsync("push", Delivery, Encoding.UTF8.GetBytes(body), DateTimeOffset.UnixEpoch, CancellationToken.None));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task PingWithoutRepository_IsNotAnError()
    {
        Assert.Null(await WebhookParser.ParseAsync("ping", Delivery, Encoding.UTF8.GetBytes("{\"zen\":\"Keep it logically awesome.\"}"), DateTimeOffset.UnixEpoch,
            CancellationToken.None));
    }
}
