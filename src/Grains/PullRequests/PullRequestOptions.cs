namespace K8sWebhookHandler.Grains.PullRequests;

/// <summary>Which commit of a pull request runs.</summary>
public enum PullRequestCheckout
{
    /// <summary>The pull request's head commit (<c>refs/pull/N/head</c>).</summary>
    Head,

    /// <summary>The test merge commit GitHub prepares of the head into the base branch (<c>refs/pull/N/merge</c>).</summary>
    Merge,
}

/// <summary>
/// How pull requests run and whom the handler trusts with them (<c>Handler:PullRequests:*</c>). Validated by
/// <see cref="PullRequestOptionsValidator"/>.
/// </summary>
public sealed class PullRequestOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler:PullRequests";

    /// <summary>The associations trusted when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultTrustedAssociations = ["OWNER", "MEMBER", "COLLABORATOR"];

    /// <summary><c>Handler:PullRequests:Checkout</c>: <c>Head</c> (the default) or <c>Merge</c>.</summary>
    public PullRequestCheckout Checkout { get; set; } = PullRequestCheckout.Head;

    /// <summary><c>Handler:PullRequests:Drafts</c>: whether drafts run; by default they wait until <c>ready_for_review</c>.</summary>
    public bool Drafts { get; set; }

    /// <summary>
    /// <c>Handler:PullRequests:TrustedAssociations</c>: the <c>author_association</c> values whose pull requests from forks
    /// run, and whose <c>/ok-to-test</c> and <c>/retest</c> count; unset means <see cref="DefaultTrustedAssociations"/>.
    /// </summary>
    public string[]? TrustedAssociations { get; set; }

    /// <summary>
    /// <c>Handler:PullRequests:RememberApproval</c>: whether one <c>/ok-to-test</c> approves the pull request's later pushes
    /// too; by default each head commit needs its own.
    /// </summary>
    public bool RememberApproval { get; set; }

    /// <summary>The trusted associations in effect: the configured ones, or the defaults.</summary>
    public IReadOnlyList<string> Trusted => TrustedAssociations is { Length: > 0 } configured ? configured : DefaultTrustedAssociations;
}
