using System.Text.Json.Nodes;
using K8sWebhookHandler.Cli.Output;

namespace K8sWebhookHandler.Cli.Tests;

/// <summary><c>k8swh recovery</c> and <c>k8swh recover</c> for people, from answers shaped as the management API sends them.</summary>
public sealed class RecoveryViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    private const string CompletedRun = """
        {"startedAt":"2026-11-30T05:58:00+00:00","trigger":"operator","outcome":"completed","finishedAt":"2026-11-30T05:58:02+00:00",
         "listed":12,"failed":3,"alreadyRecorded":1,"requested":2,
         "deliveries":["9f0c8a3e-1111-4c1d-9a6e-000000000001","9f0c8a3e-1111-4c1d-9a6e-000000000002"],"errors":null}
        """;

    [Fact]
    public void Recovery_On_SaysHowOften_NamesTheHooks_AndListsTheRunsNewestFirst()
    {
        var answer = JsonNode.Parse($$"""
            {"enabled":true,"interval":"01:30:00",
             "hooks":[{"kind":"app","hookId":0,"repository":null,"name":"app"},
                      {"kind":"repository","hookId":12,"repository":"octo-org/app","name":"octo-org/app#12"}],
             "runs":[{{CompletedRun}},
               {"startedAt":"2026-11-30T05:50:00+00:00","trigger":"start","outcome":"failed","finishedAt":"2026-11-30T05:50:01+00:00",
                "listed":0,"failed":0,"alreadyRecorded":0,"requested":0,"deliveries":null,
                "errors":["Hook octo-org/app#12 could not be listed: GitHub answered 404 Not Found; the token needs admin:repo_hook"]}],
             "disabled":null}
            """);

        Assert.Equal("""
            Recovery: on, at start-up and every 1h30m
            Hooks:    app, octo-org/app#12
            STARTED  TRIGGER   OUTCOME    LISTED  FAILED  RECORDED  REQUESTED  ERRORS
            2m ago   operator  completed  12      3       1         2
            10m ago  start     failed     0       0       0         0          Hook octo-org/app#12 could not be listed: GitHub answered...

            """.ReplaceLineEndings("\n"), RecoveryViews.Recovery(answer, Now));
    }

    [Fact]
    public void Recovery_Off_SaysWhyInTheHandlersWords()
    {
        var answer = JsonNode.Parse("""
            {"enabled":false,"interval":"00:10:00","hooks":[],"runs":[],"disabled":"no GitHub token or App is configured"}
            """);

        Assert.Equal("Recovery: off: no GitHub token or App is configured\nHooks:    none yet\nno runs yet\n", RecoveryViews.Recovery(answer, Now));
    }

    [Fact]
    public void Run_IsLabelledLines_WithTheDeliveriesRequestedAgain()
    {
        Assert.Equal("""
            Outcome:           completed
            Trigger:           operator
            Started:           2026-11-30T05:58:00Z (2m ago)
            Finished:          2026-11-30T05:58:02Z (1m ago)
            Listed:            12
            Failed:            3
            Already recorded:  1
            Requested:         2
            Requested again:
              9f0c8a3e-1111-4c1d-9a6e-000000000001
              9f0c8a3e-1111-4c1d-9a6e-000000000002

            """.ReplaceLineEndings("\n"), RecoveryViews.Run(JsonNode.Parse(CompletedRun), Now));
    }

    [Fact]
    public void Run_StillUnderWay_SaysWhereToSeeHowItEnds_AndAFailedOneItsErrors()
    {
        var running = JsonNode.Parse("""
            {"startedAt":"2026-11-30T05:59:30+00:00","trigger":"operator","outcome":"running","finishedAt":null,
             "listed":250,"failed":4,"alreadyRecorded":0,"requested":4,"deliveries":null,"errors":null}
            """);
        var failed = JsonNode.Parse("""
            {"startedAt":"2026-11-30T05:59:30+00:00","trigger":"operator","outcome":"failed","finishedAt":"2026-11-30T05:59:31+00:00",
             "listed":0,"failed":0,"alreadyRecorded":0,"requested":0,"deliveries":null,"errors":["GitHub did not answer"]}
            """);

        var text = RecoveryViews.Run(running, Now);
        var failure = RecoveryViews.Run(failed, Now);

        Assert.StartsWith("Outcome:           running (still under way after 20 s: 'k8swh recovery' shows how it ends)\n", text);
        Assert.DoesNotContain("Finished:", text);
        Assert.Contains("Listed:            250\n", text);
        Assert.EndsWith("Requested:         0\nErrors:\n  GitHub did not answer\n", failure);
    }
}
