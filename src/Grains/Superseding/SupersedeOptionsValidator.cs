using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>Refuses a refs pattern that is not a regular expression and a mode for other kinds that cannot work.</summary>
public sealed class SupersedeOptionsValidator : IValidateOptions<SupersedeOptions>
{
    public ValidateOptionsResult Validate(string? name, SupersedeOptions options)
    {
        var errors = new List<string>();
        if (SettingChecks.RegexProblem("Handler:Supersede:Refs", options.Refs) is { } refs)
        {
            errors.Add(refs);
        }

        if (options.OtherKinds is not (SupersedeMode.None or SupersedeMode.Delete))
        {
            errors.Add("Handler:Supersede:OtherKinds must be None or Delete: only Argo Workflows can be stopped.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
