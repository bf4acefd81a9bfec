using System.Text.Json;
using K8sWebhookHandler.GitHub.Tests.Support;
using K8sWebhookHandler.GitHubApiEmulator.Description;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>The emulator's own answers are shaped as the description's response schemas, and the check that says so bites.</summary>
public sealed class ResponseShapeTests
{
    private static readonly string[] Served =
    [
        "apps/create-installation-access-token", "apps/get-authenticated", "apps/get-installation", "apps/get-repo-installation",
        "apps/get-webhook-delivery", "apps/list-webhook-deliveries", "apps/redeliver-webhook-delivery",
        "checks/create", "checks/get", "checks/list-for-ref", "checks/update", "rate-limit/get",
        "repos/create-commit-status", "repos/get-combined-status-for-ref", "repos/get-webhook-delivery", "repos/list-commit-statuses-for-ref",
        "repos/list-webhook-deliveries", "repos/redeliver-webhook-delivery",
    ];

    [Fact]
    public async Task EveryServedOperation_DrivenByOctokit_AnswersAsItsResponseSchemaSays()
    {
        await using var world = await GitHubWorld.StartAsync();
        var app = world.AppClient();
        await app.GitHubApps.GetCurrent();
        await app.GitHubApps.GetInstallationForCurrent(GitHubWorld.InstallationId);
        await app.GitHubApps.GetRepositoryInstallationForCurrent(GitHubWorld.Owner, GitHubWorld.Repo);
        var client = world.Client(new Credentials(await world.InstallationTokenAsync()));
        await client.Repository.Status.Create(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha, new NewCommitStatus { State = CommitState.Error, Description = "superseded by 1a2b3c4" });
        await client.Repository.Status.GetAll(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha);
        await client.Repository.Status.GetCombined(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha);
        var run = await client.Check.Run.Create(GitHubWorld.Owner, GitHubWorld.Repo, new NewCheckRun("build", GitHubWorld.Sha));
        await client.Check.Run.Get(GitHubWorld.Owner, GitHubWorld.Repo, run.Id);
        await client.Check.Run.Update(GitHubWorld.Owner, GitHubWorld.Repo, run.Id, new CheckRunUpdate { Conclusion = CheckConclusion.Cancelled });
        await client.Check.Run.GetAllForReference(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha);
        await client.RateLimit.GetRateLimits();
        await DriveHookDeliveriesAsync(world);

        var requests = world.Emulator.Requests.Snapshot();

        Assert.Equal(Served, requests.Select(r => r.OperationId!).Distinct().Order());
        Assert.Equal(Served, world.Emulator.Endpoints.OperationIds.Order());
        Assert.All(requests, r => Assert.NotNull(world.Emulator.Description.Operation(r.OperationId!).ResponseSchema(r.StatusCode)));
        Assert.All(requests, r => Assert.Empty(r.Violations.Concat(r.ResponseViolations)));
    }

    /// <summary>The hook-deliveries endpoints, which Octokit does not have, with a plain HTTP client: list, get and redeliver of each hook.</summary>
    private static async Task DriveHookDeliveriesAsync(GitHubWorld world)
    {
        var hooks = world.Emulator.Hooks;
        var repositoryHook = hooks.AddRepositoryHook($"{GitHubWorld.Owner}/{GitHubWorld.Repo}", WebhookReceiver.Down(), HookCalls.Secret);
        var appHook = hooks.AddAppHook(GitHubWorld.AppId, WebhookReceiver.Down(), HookCalls.Secret);
        var jwt = "Bearer " + world.Jwt();
        foreach (var (hook, path, authorization) in new[] { (repositoryHook, HookCalls.RepositoryHook(repositoryHook), HookCalls.Token), (appHook, "/app/hook/deliveries", jwt) })
        {
            var attempt = await hooks.DeliverAsync(hook, "push", HookCalls.Push(1));
            await world.SendAsync(HttpMethod.Get, path, authorization: authorization);
            await world.SendAsync(HttpMethod.Get, $"{path}/{attempt.Id}", authorization: authorization);
            await world.SendAsync(HttpMethod.Post, $"{path}/{attempt.Id}/attempts", authorization: authorization);
        }
    }

    [Fact]
    public void ResponseSchemaCheck_OfACheckRunMissingItsIdWithAStatusOutsideTheEnum_NamesBoth()
    {
        var schema = GitHubWorld.Description.Operation("checks/get").ResponseSchema(200)!;
        using var broken = JsonDocument.Parse("""
            {"node_id":"x","head_sha":"a","name":"build","url":"u","html_url":null,"details_url":null,"status":"bogus",
             "conclusion":null,"started_at":null,"completed_at":null,"external_id":null,"check_suite":null,"app":null,"pull_requests":[],
             "output":{"title":null,"summary":null,"text":null,"annotations_count":0,"annotations_url":"https://x/a"}}
            """);

        var violations = SchemaErrors.Of(schema, broken.RootElement, "response/200");

        Assert.Contains(violations, v => v is { Where: "response/200", Message: "\"id\" wasn't supplied." });
        Assert.Contains(violations, v => v is { Where: "response/200/status", Message: "For 'properties/status', \"bogus\" is not a member of enum." });
    }

    [Fact]
    public void NullableEnum_OfACheckRunsConclusion_AcceptsNullAndRefusesAValueOutsideIt()
    {
        var schema = GitHubWorld.Description.Operation("checks/get").ResponseSchema(200)!;
        var conclusion = JsonDocument.Parse("""{"conclusion":null}""");
        var outside = JsonDocument.Parse("""{"conclusion":"splendid"}""");

        var ofNull = SchemaErrors.Of(schema, conclusion.RootElement, "r").Where(v => v.Where == "r/conclusion");
        var ofOutside = SchemaErrors.Of(schema, outside.RootElement, "r").Where(v => v.Where == "r/conclusion");

        Assert.Empty(ofNull);
        Assert.Single(ofOutside);
    }
}
