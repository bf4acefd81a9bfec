using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>How older objects of a ref are superseded: Argo Workflows, and every other kind.</summary>
public sealed record SupersedePolicy(SupersedeMode Workflows, SupersedeMode OtherKinds)
{
    /// <summary>The annotation by which a manifest chooses its own supersede mode.</summary>
    public const string Annotation = StampKeys.Prefix + "supersede";

    /// <summary>What <c>Handler:Supersede</c> configures.</summary>
    public static SupersedePolicy Configured(SupersedeOptions options) => new(options.Mode, options.OtherKinds);

    /// <summary>
    /// The configured policy, unless an object of the manifest narrows it with <see cref="Annotation"/> (the first
    /// object that sets it decides). Read before anything is applied: a refusal changes nothing.
    /// </summary>
    public static SupersedePolicy ForManifest(IEnumerable<JsonObject> objects, SupersedeOptions options)
    {
        var chosen = objects
            .Select(o => o["metadata"]?["annotations"] is JsonObject annotations
                ? ManifestFields.OptionalString(annotations, Annotation, "metadata.annotations." + Annotation, ManifestFields.StringOrNull(o["kind"]) ?? "object")
                : null)
            .FirstOrDefault(v => v is not null);
        return Requested(chosen, Configured(options));
    }

    /// <summary>
    /// The policy a manifest asks for with <see cref="Annotation"/> (<paramref name="requested"/>, or the configured one
    /// when it names none). A manifest may only narrow what the operator configured, because the service account is
    /// granted no more (the chart gives <c>list</c> only for a mode other than None, <c>delete</c> only for Delete): a
    /// wider or unknown mode is a <see cref="DeliveryRefusedException"/>, raised before anything is applied.
    /// </summary>
    public static SupersedePolicy Requested(string? requested, SupersedePolicy configured)
    {
        if (requested is null)
        {
            return configured;
        }

        var name = Enum.GetNames<SupersedeMode>().FirstOrDefault(n => string.Equals(n, requested, StringComparison.OrdinalIgnoreCase))
            ?? throw new DeliveryRefusedException($"{Annotation}: \"{requested}\" is not a mode; use stop, terminate, delete or none");
        var mode = Enum.Parse<SupersedeMode>(name);
        var policy = new SupersedePolicy(mode, mode is SupersedeMode.Delete ? SupersedeMode.Delete : SupersedeMode.None);
        if (Reach(policy.Workflows) > Reach(configured.Workflows) || Reach(policy.OtherKinds) > Reach(configured.OtherKinds))
        {
            throw new DeliveryRefusedException(
                $"{Annotation}: \"{requested}\" asks for more than this handler is configured for " +
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
