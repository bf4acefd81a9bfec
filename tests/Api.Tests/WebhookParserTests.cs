using System.Text;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Identity;
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

    private static Task<Grains.Events.WebhookEvent?> Parse(string relative) =>
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
        Assert.Equal(Path.GetDirectoryName(relative), parsed.EventType);
    }

    [Fact]
    public async Task Push_CarriesRefRevisionsAndFlags()
    {
        var push = (await Parse("push/with-new-branch.payload.json"))!;

        Assert.StartsWith("refs/heads/", push.Ref);
        Assert.Equal(40, push.Revision.Length);
        Assert.True(push.Created);
        Assert.False(push.Deleted);
    }

    [Fact]
    public async Task Delete_MakesAFullRefFromRefAndRefType()
    {
        var delete = (await Parse("delete/payload.json"))!;

        Assert.Equal("refs/tags/simple-tag", delete.Ref);
        Assert.True(delete.IsDeletion);
    }

    [Fact]
    public async Task CheckSuiteAndCheckRun_TakeTheSuitesHeadBranchAndCommit()
    {
        var suite = (await Parse("check_suite/requested.payload.json"))!;
        var run = (await Parse("check_run/rerequested.payload.json"))!;

        Assert.Equal("requested", suite.Action);
        Assert.StartsWith("refs/heads/", suite.Ref);
        Assert.Equal(40, suite.Revision.Length);
        Assert.Equal("rerequested", run.Action);
        Assert.Equal(40, run.Revision.Length);
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
