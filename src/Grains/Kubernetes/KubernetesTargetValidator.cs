using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Where grains run, the cluster the settings ask for must be reachable by configuration: a kubeconfig that is named
/// must exist and be readable, and <c>Handler:DryRun=false</c> needs some configuration (<see cref="KubernetesTarget"/>).
/// </summary>
public sealed class KubernetesTargetValidator(IConfiguration configuration) : IValidateOptions<KubernetesOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesOptions options) =>
        KubernetesTarget.ConfigurationProblem(options, configuration) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}
