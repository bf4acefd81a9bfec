using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Rendering;

/// <summary>
/// <c>render --manifest FILE [--payload FILE --event TYPE]</c>: prints, as a JSON array, exactly the objects the
/// handler would send for a manifest and an event (the Go handler's <c>annotate</c> tool). The payload is read by
/// intake's own <see cref="WebhookParser"/>, so any event it parses renders (<c>push</c>, <c>pull_request</c> at
/// <c>refs/pull/N/head</c>, <c>merge_group</c>, ...). Without a payload, a push to <c>refs/heads/main</c> of
/// <c>local/render</c> at revision zero is assumed. It goes through the handler's
/// own <see cref="ManifestPipeline"/>, planning offline.
/// </summary>
public static class RenderCommand
{
    /// <summary>
    /// The program's <c>render</c>: settings from the environment and from <c>--Handler:*</c> arguments, the objects on
    /// standard output, problems on standard error. Exit code 0, 1 when the manifest or payload is refused, 2 on usage.
    /// </summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Settings(args), Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var manifest = Option(args, "--manifest");
        if (manifest is null)
        {
            await error.WriteLineAsync("usage: render --manifest FILE [--payload FILE --event TYPE]");
            return 2;
        }

        if (StartupCheck.Problems(configuration, AddOptions) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync($"render: {problem}");
            }

            return 2;
        }

        var manifests = ValidatedOptions.Get<ManifestOptions>(configuration, AddOptions);
        var kubernetes = ValidatedOptions.Get<KubernetesOptions>(configuration, AddOptions);
        try
        {
            var webhookEvent = await EventAsync(Option(args, "--payload"), Option(args, "--event") ?? "push");
            var revision = webhookEvent.Revision.Length > 0 ? webhookEvent.Revision : WebhookEvent.ZeroRevision;
            var pipeline = new ManifestPipeline(new LocalManifestFile(manifest), new OfflineKindResolver(), Options.Create(manifests), kubernetes.Placement());
            var (objects, _) = await pipeline.ReadAsync(webhookEvent, revision, CancellationToken.None);
            var plan = await pipeline.PlanAsync(objects ?? [], webhookEvent, revision, kubernetes.Namespace, CancellationToken.None);
            await output.WriteLineAsync(plan.ToJson());
            return 0;
        }
        catch (Exception e) when (e is DeliveryRefusedException or WebhookPayloadException or IOException)
        {
            await error.WriteLineAsync($"render: {e.Message}");
            return 1;
        }
    }

    /// <summary>The settings render is given: the environment, and <c>--Handler:*</c> arguments over it.</summary>
    private static IConfiguration Settings(string[] args) => new ConfigurationBuilder()
        .AddEnvironmentVariables()
        .AddCommandLine(args.Where(a => a.StartsWith("--Handler:", StringComparison.Ordinal)).ToArray())
        .Build();

    /// <summary>The settings render reads: the manifest's limits, the allowed kinds and namespaces; no cluster is needed.</summary>
    private static void AddOptions(IServiceCollection services) => services.AddManifestOptions().AddKubernetesOptions();

    private static async Task<WebhookEvent> EventAsync(string? payloadPath, string eventName)
    {
        var delivery = DeliveryId.Parse("render");
        if (!EventType.TryParse(eventName, out var eventType))
        {
            throw new WebhookPayloadException("--event is not an event name: [a-z_]{1,64}");
        }

        if (payloadPath is null)
        {
            var repository = new RepositoryFacts("local/render", "", "", "", "main");
            return new WebhookEvent(delivery, eventType, "", GitRef.Branch("main"), WebhookEvent.ZeroRevision, WebhookEvent.ZeroRevision,
                false, false, false, repository, DateTimeOffset.UnixEpoch);
        }

        await using var payload = File.OpenRead(payloadPath);
        return await WebhookParser.ParseAsync(eventType, delivery, payload, DateTimeOffset.UnixEpoch, CancellationToken.None)
            ?? throw new WebhookPayloadException("the payload names no repository");
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
