using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.PullRequests;

/// <summary>Refuses a trusted association GitHub never sends, which would trust nobody by that name.</summary>
public sealed class PullRequestOptionsValidator : IValidateOptions<PullRequestOptions>
{
    /// <summary>The values GitHub gives <c>author_association</c>.</summary>
    public static readonly IReadOnlySet<string> Associations = new HashSet<string>(StringComparer.Ordinal)
    {
        "OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", "NONE",
    };

    public ValidateOptionsResult Validate(string? name, PullRequestOptions options)
    {
        var unknown = (options.TrustedAssociations ?? []).Where(a => !Associations.Contains(a)).ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Handler:PullRequests:TrustedAssociations has {string.Join(", ", unknown)}: each must be one of {string.Join(", ", Associations)} (upper case, as GitHub sends them).");
    }
}
