using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using static K8sWebhookHandler.Api.Webhooks.PayloadRules;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>Where an event points: its ref, the commit it is about (empty: the ref's tip when it runs), and the commit before.</summary>
internal readonly record struct EventTarget(GitRef Ref, string Revision, string Before)
{
    public static EventTarget None => new(GitRef.None, "", "");
}

/// <summary>Per event kind, where its payload points (<see cref="EventTarget"/>), each field checked against its bounds.</summary>
internal static class EventTargets
{
    public static EventTarget Of(EventKind kind, string action, PayloadFields fields) => kind switch
    {
        EventKind.Push => new(FullRef("ref", RequiredString(fields, "ref")), Revision(fields, "after", required: true), Revision(fields, "before", required: false)),
        EventKind.Delete or EventKind.Create => new(BranchOrTag(fields), "", ""),
        EventKind.CheckSuite => Suite(fields, "check_suite"),
        EventKind.CheckRun => Suite(fields, "check_run.check_suite"),
        EventKind.PullRequest => PullRequestPayload.Target(fields, action),
        EventKind.MergeGroup => MergeGroup(fields),
        EventKind.Release => Release(fields),
        EventKind.Deployment => Deployment(fields),
        EventKind.WorkflowDispatch => new(FullRef("ref", RequiredString(fields, "ref")), "", ""),
        EventKind.RepositoryDispatch => new(OptionalBranch(fields, "branch"), "", ""),
        _ => EventTarget.None,
    };

    /// <summary>A <c>delete</c> or <c>create</c> event names the branch or tag by its short name and <c>ref_type</c>.</summary>
    private static GitRef BranchOrTag(PayloadFields fields)
    {
        var name = ShortRef("ref", RequiredString(fields, "ref"));
        return OptionalString(fields, "ref_type") switch
        {
            "branch" => GitRef.Branch(name),
            "tag" => GitRef.Tag(name),
            _ => throw Refused("ref_type", "must be branch or tag"),
        };
    }

    /// <summary>A check suite's head branch (none for some suites, e.g. from forks) and head commit.</summary>
    private static EventTarget Suite(PayloadFields fields, string suite) =>
        ObjectOrAbsent(fields, suite)
            ? new(OptionalBranch(fields, $"{suite}.head_branch"), Revision(fields, $"{suite}.head_sha", required: true), Revision(fields, $"{suite}.before", required: false))
            : EventTarget.None;

    /// <summary>A merge queue's group: its temporary branch (a full ref), the commit to test on it, and the base it was made on.</summary>
    private static EventTarget MergeGroup(PayloadFields fields)
    {
        RequiredObject(fields, "merge_group");
        return new(FullBranchRef("merge_group.head_ref", RequiredString(fields, "merge_group.head_ref")),
            Revision(fields, "merge_group.head_sha", required: true), Revision(fields, "merge_group.base_sha", required: false));
    }

    /// <summary>
    /// A release's tag; its commit when <c>target_commitish</c> names one. Otherwise that field is a branch name
    /// (the tag is made from that branch's tip on publishing), which is not kept: the tag's own commit is read instead.
    /// </summary>
    private static EventTarget Release(PayloadFields fields)
    {
        RequiredObject(fields, "release");
        var tag = GitRef.Tag(ShortRef("release.tag_name", RequiredString(fields, "release.tag_name")));
        var commitish = OptionalString(fields, "release.target_commitish") ?? "";
        return new(tag, IsSha(commitish) ? commitish : "", "");
    }

    /// <summary>
    /// A deployment's commit (<c>deployment.sha</c>), and its <c>ref</c> as a branch when it can be one. GitHub lets the
    /// creator give a branch, a tag or a commit id there; a commit id, or a name no branch can have, leaves the ref
    /// none rather than refusing the deployment. <c>refs/heads/NAME</c> is that branch.
    /// </summary>
    private static EventTarget Deployment(PayloadFields fields)
    {
        RequiredObject(fields, "deployment");
        var sha = Revision(fields, "deployment.sha", required: true);
        var name = OptionalString(fields, "deployment.ref") ?? "";
        var branch = GitRef.TryParse(name, out var full) && full.IsBranch ? full
            : !name.StartsWith("refs/", StringComparison.Ordinal) && !IsSha(name) && GitRefName.IsValidShortName(name) ? GitRef.Branch(name)
            : GitRef.None;
        return new(branch, sha, "");
    }

    /// <summary>A branch named by its short name; none when the field is missing, JSON null or empty.</summary>
    private static GitRef OptionalBranch(PayloadFields fields, string path) =>
        OptionalString(fields, path) is { Length: > 0 } name ? GitRef.Branch(ShortRef(path, name)) : GitRef.None;
}
