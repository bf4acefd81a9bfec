using System.Buffers.Text;
using System.Text;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Api.Inspection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>The inspection lists' cursors and query values: what is read back, and what is refused.</summary>
public sealed class InspectionCursorTests
{
    [Fact]
    public void Cursors_ReadBack_AsWhereThePageEnded()
    {
        var received = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
        var record = new DeliveryRecord(DeliveryId.Parse("d-1"), EventType.Push, "", GitRef.Branch("main"), "", received, DeliveryState.Applied, null, 1, [], null);

        Assert.True(Cursors.TryRepository(Cursors.After(RepositoryKey.Parse("Octo/Hello")), out var repository));
        Assert.True(Cursors.TryDelivery(Cursors.After(record), out var delivery));

        Assert.Equal(RepositoryKey.Parse("octo/hello"), repository);
        Assert.Equal(new DeliveryCursor(DeliveryId.Parse("d-1"), received), delivery);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("%%%")]
    [InlineData("")]
    [InlineData("\xff\xfe")]
    public void AnythingElse_IsNotACursor(string cursor)
    {
        Assert.False(Cursors.TryRepository(cursor, out _));
        Assert.False(Cursors.TryDelivery(cursor, out _));
    }

    [Fact]
    public void OneListsCursor_IsRefusedByTheOther()
    {
        var repositoryCursor = Cursors.After(RepositoryKey.Parse("octo/hello"));
        var invalidUtf8 = Base64Url.EncodeToString([0x72, 0x31, 0x3a, 0xc3, 0x28]);

        Assert.False(Cursors.TryDelivery(repositoryCursor, out _));
        Assert.False(Cursors.TryRepository(invalidUtf8, out _));
        Assert.False(Cursors.TryRepository(Base64Url.EncodeToString(Encoding.UTF8.GetBytes("r1:not a repository")), out _));
    }

    [Fact]
    public void QueryValues_AreTyped_AndEveryWrongOneIsNamed()
    {
        var good = new QueryReader(new QueryCollection(new Dictionary<string, StringValues>
        {
            ["state"] = "no-manifest", ["ref"] = "refs/pull/7/head", ["event"] = "pull_request", ["limit"] = "200",
        }));
        var bad = new QueryReader(new QueryCollection(new Dictionary<string, StringValues>
        {
            ["state"] = "NoManifest", ["ref"] = "refs/heads/", ["limit"] = "-1", ["cursor"] = "x",
        }));

        Assert.Equal((DeliveryState.NoManifest, GitRef.PullRequest(7), EventType.PullRequest, 200), (good.State(), good.Ref(), good.Event(), good.Limit()));
        Assert.True(good.Valid);
        Assert.Equal((null, null, null), (bad.State(), bad.Ref(), bad.RepositoryCursor()));
        Assert.Equal(0, bad.Limit());
        Assert.Equal(["cursor", "limit", "ref", "state"], bad.Problem().ProblemDetails.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
