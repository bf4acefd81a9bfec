using System.Text.Json.Nodes;
using K8sWebhookHandler.Cli.Output;

namespace K8sWebhookHandler.Cli.Tests;

public sealed class TableTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rows_AreAlignedUnderTheHeader_WithoutTrailingSpaces()
    {
        var table = new Table("A", "LONGER", "LAST").Add("wide-cell", "x", "").Add("y", "z", "end");

        Assert.Equal("A          LONGER  LAST\nwide-cell  x\ny          z       end\n", table.Render());
    }

    [Theory]
    [InlineData(0.5, "just now")]
    [InlineData(42, "42s ago")]
    [InlineData(5 * 60 + 59, "5m ago")]
    [InlineData(3 * 3600, "3h ago")]
    [InlineData(47 * 3600, "47h ago")]
    [InlineData(3 * 86400 + 5, "3d ago")]
    [InlineData(-30, "just now")]
    public void Ago_ReadsAsTheLargestWholeUnit(double seconds, string text) =>
        Assert.Equal(text, Display.Ago(Now.AddSeconds(-seconds), Now));

    [Theory]
    [InlineData("4b825dc642cb6eb9a060e54bf8d69288fbee4904", "4b825dc")]
    [InlineData("abc", "abc")]
    [InlineData("", "")]
    public void ShortSha_IsSevenCharacters(string sha, string text) => Assert.Equal(text, Display.ShortSha(sha));

    [Fact]
    public void Deliveries_AreOneAlignedLineEach_WithTheNextCursor()
    {
        var answer = JsonNode.Parse("""
            { "items": [
              { "delivery": "d-2", "eventType": "pull_request", "action": "opened", "ref": "refs/pull/7/head",
                "revision": "0123456789abcdef0123456789abcdef01234567", "receivedAt": "2026-11-30T05:58:00Z", "state": "queued",
                "reason": null, "attempts": 0, "objects": [] },
              { "delivery": "d-1", "eventType": "push", "action": "", "ref": "refs/heads/main",
                "revision": "fedcba9876543210fedcba9876543210fedcba98", "receivedAt": "2026-11-30T05:59:30Z", "state": "failed",
                "reason": "the API server answered 503 Service Unavailable to every one of the attempts made so far", "attempts": 2, "objects": [] }
            ], "next": "page-2" }
            """);

        Assert.Equal("""
            DELIVERY  EVENT                REF               SHA      STATE   ATTEMPTS  RECEIVED  REASON
            d-2       pull_request/opened  refs/pull/7/head  0123456  queued  0         2m ago
            d-1       push                 refs/heads/main   fedcba9  failed  2         30s ago   the API server answered 503 Service Unavailable to every ...
            more: --cursor page-2

            """.ReplaceLineEndings("\n"), ListViews.Deliveries(answer, Now));
    }

    [Fact]
    public void Repositories_ShowCountsByStateAndLastActivity()
    {
        var answer = JsonNode.Parse("""
            { "items": [
              { "repository": "octo-org/app", "counts": { "queued": 1, "applied": 3, "failed": 0 }, "lastActivity": "2026-11-30T04:00:00Z" },
              { "repository": "octo-org/web", "counts": {}, "lastActivity": null }
            ], "next": null }
            """);

        Assert.Equal("""
            REPOSITORY    LAST ACTIVITY  DELIVERIES
            octo-org/app  2h ago         applied 3, queued 1
            octo-org/web

            """.ReplaceLineEndings("\n"), ListViews.Repositories(answer, Now));
    }

    [Fact]
    public void EmptyList_SaysSo() => Assert.Equal("no repositories\n", ListViews.Repositories(JsonNode.Parse("""{ "items": [], "next": null }"""), Now));

    [Fact]
    public void Refs_ShowTheAppliedRevisionAndWorkflows()
    {
        var answer = JsonNode.Parse("""
            [ { "ref": "refs/heads/main", "lastRevision": "0123456789abcdef0123456789abcdef01234567", "lastDelivery": "d-1",
                "objects": [ { "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "namespace": "ci", "name": "build-x1" } ],
                "updatedAt": "2026-11-30T05:00:00Z" } ]
            """);

        Assert.Equal("REF              REVISION  DELIVERY  UPDATED  WORKFLOWS\nrefs/heads/main  0123456   d-1       1h ago   build-x1\n",
            ListViews.Refs(answer, Now));
    }

    [Fact]
    public void Delivery_IsLabelledLines_WithObjectsAndReports()
    {
        var record = JsonNode.Parse("""
            { "delivery": "d-1", "eventType": "push", "action": "", "ref": "refs/heads/main",
              "revision": "0123456789abcdef0123456789abcdef01234567", "before": "", "receivedAt": "2026-11-30T05:59:00Z",
              "state": "applied", "reason": null, "attempts": 1, "rerun": 1, "completedAt": "2026-11-30T05:59:58Z",
              "objects": [ { "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "namespace": "ci", "name": "build-x1" } ],
              "stopped": [],
              "reports": [ { "sequence": 1, "context": "ci/build", "sha": "0123456789abcdef", "object": "ci/build-x1", "outcome": "pending",
                             "description": "running", "queuedAt": "2026-11-30T05:59:58Z", "sentAt": null, "error": null } ] }
            """);

        Assert.Equal("""
            Delivery:   d-1
            Event:      push
            Ref:        refs/heads/main
            Revision:   0123456789abcdef0123456789abcdef01234567
            State:      applied
            Attempts:   1
            Rerun:      1
            Received:   2026-11-30T05:59:00Z (1m ago)
            Completed:  2026-11-30T05:59:58Z (2s ago)
            Objects:
              Workflow ci/build-x1
            Reported to GitHub:
              CONTEXT   OUTCOME  SHA      SENT     DESCRIPTION
              ci/build  pending  0123456  waiting  running

            """.ReplaceLineEndings("\n"), DeliveryView.Render(record, Now));
    }
}
