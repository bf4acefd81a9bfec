using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>What the warm-up steps send down the hot paths: a push as intake makes it, and a manifest as a repository keeps it.</summary>
public static class WarmUpSamples
{
    /// <summary>
    /// The repository the warm-up activates a grain of and reads: a name that is never written to, so its inspection
    /// shows what any repository the handler has not heard of shows.
    /// </summary>
    public const string Repository = "k8s-webhook-handler/warm-up";

    /// <summary>The commit the sample push brings.</summary>
    public const string Revision = "1111111111111111111111111111111111111111";

    /// <summary>A push of a new commit to <c>main</c> of <see cref="Repository"/>, received at <paramref name="receivedAt"/>.</summary>
    public static WebhookEvent Push(DateTimeOffset receivedAt) => new(
        DeliveryId.Parse("warm-up"),
        EventType.Push,
        "",
        GitRef.Branch("main"),
        Revision,
        WebhookEvent.ZeroRevision,
        Created: true,
        Deleted: false,
        Forced: false,
        new RepositoryFacts(Repository, $"https://github.com/{Repository}.git", $"git://github.com/{Repository}.git", $"git@github.com:{Repository}.git", "main"),
        receivedAt);

    /// <summary>An Argo workflow with a name to generate, and a config map beside it: both kinds of naming the stamper does.</summary>
    public const string Manifest = """
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata:
          generateName: build-
          annotations:
            k8s-webhook-handler.io/supersede: stop
        spec:
          entrypoint: build
          arguments:
            parameters:
              - name: revision
                value: "{{workflow.annotations.k8s-webhook-handler.io/revision}}"
          templates:
            - name: build
              container:
                image: gcr.io/kaniko-project/executor:v1.23.2
                args: ["--context=git://github.com/owner/name.git#{{workflow.parameters.revision}}", "--no-push"]
                resources: { limits: { cpu: "1", memory: 1Gi } }
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: build-settings
          labels: { team: ci }
        data:
          retries: "3"
          enabled: yes
        """;
}
