using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>How older objects of a ref are superseded: Argo Workflows, and every other kind.</summary>
public sealed record SupersedePolicy(SupersedeMode Workflows, SupersedeMode OtherKinds)
{
    /// <summary>
    /// The policy a manifest asks for with <c>k8s-webhook-handler.io/supersede</c> (<paramref name="requested"/>, or
    /// the configured one when it names none). A manifest may only narrow what the operator configured, because the
    /// service account is granted no more (the chart gives <c>list</c> only for a mode other than None, <c>delete</c>
    /// only for Delete): a wider or unknown mode is a <see cref="ManifestException"/>, raised before anything is applied.
    /// </summary>
    public static SupersedePolicy Requested(string? requested, SupersedePolicy configured, string annotation)
    {
        if (requested is null)
        {
            return configured;
        }

        var name = Enum.GetNames<SupersedeMode>().FirstOrDefault(n => string.Equals(n, requested, StringComparison.OrdinalIgnoreCase))
            ?? throw new ManifestException($"{annotation}: \"{requested}\" is not a mode; use stop, terminate, delete or none");
        var mode = Enum.Parse<SupersedeMode>(name);
        var policy = new SupersedePolicy(mode, mode is SupersedeMode.Delete ? SupersedeMode.Delete : SupersedeMode.None);
        if (Reach(policy.Workflows) > Reach(configured.Workflows) || Reach(policy.OtherKinds) > Reach(configured.OtherKinds))
        {
            throw new ManifestException(
                $"{annotation}: \"{requested}\" asks for more than this handler is configured for " +
                $"(Handler:Supersede:Mode={configured.Workflows}, OtherKinds={configured.OtherKinds}); a manifest may only narrow it");
        }

        return policy;
    }

    /// <summary>What a mode needs beyond applying: nothing, then <c>list</c> and <c>patch</c> (Stop, Terminate), then <c>list</c> and <c>delete</c>.</summary>
    private static int Reach(SupersedeMode mode) => mode switch
    {
        SupersedeMode.None => 0,
        SupersedeMode.Delete => 2,
        _ => 1,
    };
}
