using System.Security.Cryptography;
using System.Text;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Hosting.WarmUp;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// Intake, once, without a grain: a signed organisation-hook ping (which names no repository, so nothing is stored)
/// through <see cref="WebhookIntake"/> from its headers to its written 202, and a push payload through
/// <see cref="WebhookParser"/>, whose typed reading the ping does not reach. Signed with the first configured secret.
/// </summary>
public sealed class IntakeWarmUp(WebhookIntake intake, IOptions<WebhookOptions> options, IServiceProvider services, TimeProvider time) : IWarmUpStep
{
    private const string Delivery = "warm-up";

    public string Name => "intake";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var answer = await SendPingAsync(cancellationToken);
        if (answer is not """{"deliveryId":"warm-up","status":"ignored"}""")
        {
            throw new WarmUpException($"intake answered a signed ping with {answer}, not 202 ignored");
        }

        var push = await WebhookParser.ParseAsync(EventType.Push, DeliveryId.Parse(Delivery), new MemoryStream(Push), time.GetUtcNow(), cancellationToken);
        if (push?.Repository.Key.Value != WarmUpSamples.Repository || push.Ref != GitRef.Branch("main") || push.Revision != WarmUpSamples.Revision)
        {
            throw new WarmUpException($"the sample push was parsed as {push?.ToString() ?? "nothing"}");
        }
    }

    /// <summary>The status code and body intake answers the ping with, as <c>202 {...}</c>.</summary>
    private async Task<string> SendPingAsync(CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = Ping.Length;
        context.Request.Body = new MemoryStream(Ping, writable: false);
        context.Request.Headers["X-GitHub-Event"] = "ping";
        context.Request.Headers["X-GitHub-Delivery"] = Delivery;
        context.Request.Headers[SignatureVerifier.Sha256Header] = Sign(Ping);
        using var answer = new MemoryStream();
        context.Response.Body = answer;
        context.RequestAborted = cancellationToken;

        await (await intake.HandleAsync(context)).ExecuteAsync(context);
        var body = Encoding.UTF8.GetString(answer.ToArray());
        return context.Response.StatusCode == StatusCodes.Status202Accepted ? body : $"{context.Response.StatusCode} {body}";
    }

    /// <summary>The signature GitHub would send with <paramref name="body"/>; in insecure mode, with no secret, any well-formed one.</summary>
    private string Sign(byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.WebhookSecrets.FirstOrDefault() ?? ""), body));

    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("""
        {"zen":"Design for failure.","hook_id":1,"hook":{"type":"Organization","id":1,"name":"web","active":true,
         "events":["push","delete"],"config":{"content_type":"json","insecure_ssl":"0","url":"https://example.invalid/webhook"},
         "updated_at":"2025-01-01T00:00:00Z","created_at":"2025-01-01T00:00:00Z","last_response":{"code":null,"status":"unused","message":null}},
         "organization":{"login":"k8s-webhook-handler","id":1,"description":null},"sender":{"login":"octocat","id":1,"site_admin":false}}
        """);

    private static readonly byte[] Push = Encoding.UTF8.GetBytes($$"""
        {"ref":"refs/heads/main","before":"{{WebhookEvent.ZeroRevision}}","after":"{{WarmUpSamples.Revision}}",
         "repository":{"id":1,"node_id":"R_1","name":"warm-up","full_name":"{{WarmUpSamples.Repository}}","private":false,
          "owner":{"name":"k8s-webhook-handler","email":null,"login":"k8s-webhook-handler","id":1,"type":"Organization","site_admin":false},
          "html_url":"https://github.com/{{WarmUpSamples.Repository}}","description":"caf\u00e9 \ud83d\ude80","fork":false,
          "created_at":1735689600,"pushed_at":1735689600,"git_url":"git://github.com/{{WarmUpSamples.Repository}}.git",
          "ssh_url":"git@github.com:{{WarmUpSamples.Repository}}.git","clone_url":"https://github.com/{{WarmUpSamples.Repository}}.git",
          "homepage":null,"size":0,"stargazers_count":0,"language":null,"has_issues":true,"license":null,"topics":[],
          "default_branch":"main","master_branch":"main","organization":"k8s-webhook-handler"},
         "pusher":{"name":"octocat","email":"octocat@example.invalid"},"sender":{"login":"octocat","id":1,"type":"User","site_admin":false},
         "created":true,"deleted":false,"forced":false,"base_ref":null,"compare":"https://github.com/{{WarmUpSamples.Repository}}/commit/1111111",
         "commits":[{"id":"{{WarmUpSamples.Revision}}","tree_id":"{{WarmUpSamples.Revision}}","distinct":true,"message":"Warm up\n\nbody",
          "timestamp":"2025-01-01T00:00:00+00:00","author":{"name":"Octo Cat","email":"octocat@example.invalid","username":"octocat"},
          "added":[".ci/workflow.yaml"],"removed":[],"modified":[]}],
         "head_commit":null}
        """);
}
