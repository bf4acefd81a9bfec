using System.Diagnostics;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Identity;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>The <see cref="HandlerActivities.GitFetch"/> span of one fetch into a mirror (its interrupted tries included).</summary>
internal static class FetchActivity
{
    /// <summary>How many ref specs the fetch asked for.</summary>
    public const string RefSpecsTag = "handler.git.refspecs";

    /// <summary>How many refs the fetch wrote.</summary>
    public const string RefsTag = "handler.git.refs";

    public static Activity? Start(RepositoryKey repository, IReadOnlyList<string> refSpecs) =>
        HandlerActivities.Source.StartActivity(HandlerActivities.GitFetch)?
            .SetTag(HandlerActivities.RepositoryTag, repository.Value)
            .SetTag(RefSpecsTag, refSpecs.Count);

    public static IReadOnlyDictionary<string, ObjectId> Fetched(Activity? activity, IReadOnlyDictionary<string, ObjectId> refs)
    {
        activity.Outcome("fetched")?.SetTag(RefsTag, refs.Count);
        return refs;
    }

    /// <summary>Marks the fetch failed with <paramref name="failure"/>, and returns it to be thrown.</summary>
    public static Exception Failed(Activity? activity, Exception failure)
    {
        activity.Outcome("failed").Failed(failure.Message, failure);
        return failure;
    }
}
